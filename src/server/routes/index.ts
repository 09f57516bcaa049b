import type { FastifyPluginAsync } from 'fastify';
import { integrationRoutes } from './integrations.js';
import { notificationRoutes } from './notifications.js';
import { companyRoutes } from './companies.js';
import { linkRoutes } from './links.js';
import { opsRoutes } from './ops.js';
import { opportunityRoutes } from './opportunities.js';
import { auditRoutes } from './audit.js';
import { lifecycleRoutes } from './lifecycle.js';

/** Feature routes: one plugin per contract section. */
export const registerFeatureRoutes: FastifyPluginAsync = async (app) => {
  await app.register(integrationRoutes);
  await app.register(notificationRoutes);
  await app.register(companyRoutes);
  await app.register(linkRoutes);
  await app.register(opsRoutes);
  await app.register(opportunityRoutes);
  await app.register(auditRoutes);
  await app.register(lifecycleRoutes);
};
