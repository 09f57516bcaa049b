import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { migrateToLatest, openDatabase } from '../store/db.js';
import { hashPassword } from '../server/passwords.js';
import { createUsersRepo } from '../store/repos/users.js';
import { onShutdown, startServer, startWorker } from '../runtime.js';
import { INTEGRATIONS, INTEGRATION_KINDS } from '../integrations/registry.js';

function config(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Invalid configuration: ${e.message.split('\n').join('; ')}\n`);
      process.exit(1);
    }
    throw e;
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const program = new Command().name('crosswalk').description('Crosswalk: IT Glue + PSA, joined.');

/** Start-up failures (a database that refuses, a secret key that does not fit it): one line, exit 1. */
async function starting<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    fail(`Crosswalk failed to start: ${e instanceof Error ? e.message : String(e)}`);
  }
}

program.command('serve')
  .description('Start the server: API and web UI (same as npm start); on PostgreSQL it also runs syncs unless --no-worker')
  .option('--no-worker', 'PostgreSQL: serve API and UI only; `crosswalk worker` processes run the syncs (same as SERVE_WORKS_JOBS=0)')
  .action(async (o: { worker: boolean }) => {
    const cfg = config();
    const running = await starting(() => startServer(cfg, o.worker === false ? { worker: false } : {}));
    const jobs = cfg.dialect !== 'postgres' ? '' : (o.worker === false || !cfg.serveWorksJobs ? ' (API and UI only: worker processes run the syncs)' : ' (also running syncs)');
    process.stdout.write(`Crosswalk listening on ${running.url}${jobs}\n`);
    onShutdown(() => running.close());
  });

program.command('worker')
  .description('PostgreSQL only: run syncs and the schedule from the shared queue, without HTTP (start any number beside serve)')
  .action(async () => {
    const cfg = config();
    if (cfg.dialect !== 'postgres') fail('crosswalk worker needs PostgreSQL (DATABASE_URL=postgres://…); on SQLite `crosswalk serve` runs the syncs itself.');
    const running = await starting(() => startWorker(cfg));
    process.stdout.write(`Crosswalk worker running (pid ${process.pid}, ${cfg.workerConcurrency} syncs at once)\n`);
    onShutdown(() => running.close());
  });

program.command('migrate').description('Apply pending database migrations').action(async () => {
  const store = await openDatabase(config().databaseUrl, { migrate: false });
  const result = await migrateToLatest(store);
  await store.close();
  if (result.error !== undefined) fail(`Migration failed: ${result.error}`);
  process.stdout.write(result.applied.length === 0 ? 'Database is up to date.\n' : `Applied: ${result.applied.join(', ')}\n`);
});

const user = program.command('user').description('Manage users');
user.command('create')
  .requiredOption('--email <email>')
  .requiredOption('--password <password>')
  .option('--name <name>')
  .option('--role <role>', 'admin or member', 'member')
  .description('Create a user (the first user also creates the workspace and is an admin)')
  .action(async (o: { email: string; password: string; name?: string; role: string }) => {
    if (o.role !== 'admin' && o.role !== 'member') fail('--role must be admin or member');
    if (o.password.length < 8) fail('--password must be at least 8 characters');
    const store = await openDatabase(config().databaseUrl);
    const users = createUsersRepo(store.db);
    const email = o.email.trim().toLowerCase();
    const name = o.name ?? email.split('@')[0] ?? email;
    const passwordHash = await hashPassword(o.password);
    // The first user creates the workspace and is its admin; the unique email index decides a taken email.
    let created = await users.createFirstAdmin({ email, name, passwordHash });
    const first = created !== null;
    if (created === null) {
      const workspaceId = await users.defaultWorkspaceId();
      created = workspaceId === null ? null : await users.create({ workspaceId, email, name, role: o.role as 'admin' | 'member', passwordHash });
    }
    await store.close();
    if (created === null) fail(`A user with the email ${email} already exists.`);
    process.stdout.write(`Created ${first ? 'admin' : o.role} ${email}.\n`);
  });

/** `--<kind>-port <port>` for every integration with a sandbox. */
function withSandboxPorts(cmd: Command): Command {
  for (const def of INTEGRATIONS) {
    if (def.sandbox !== undefined) cmd.option(`--${def.kind}-port <port>`, `${def.displayName} sandbox port`, String(def.sandbox.defaultPort));
  }
  return cmd;
}

function sandboxPorts(o: Record<string, string>): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const def of INTEGRATIONS) {
    if (def.sandbox === undefined) continue;
    const raw = o[`${def.kind}Port`] ?? String(def.sandbox.defaultPort);
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--${def.kind}-port must be a port number (0–65535), not "${raw}"`);
    ports[def.kind] = port;
  }
  return ports;
}

withSandboxPorts(program.command('sandbox'))
  .description('Start the local vendor sandboxes (imitations of the vendor APIs for demos and tests)')
  .action(async (o: Record<string, string>) => {
    const { startSandboxes, describeSandboxes } = await import('../sandbox/demo.js');
    const s = await startSandboxes({ ports: sandboxPorts(o) });
    process.stdout.write(describeSandboxes(s));
    onShutdown(() => s.close());
  });

withSandboxPorts(program.command('demo'))
  .description('Start the sandboxes and the app, with the sandbox connection values shown as hints')
  .action(async (o: Record<string, string>) => {
    const { startSandboxes, describeSandboxes } = await import('../sandbox/demo.js');
    const cfg = config();
    const sandboxes = await startSandboxes({ ports: sandboxPorts(o) });
    // The demo keeps the terminal readable: warnings and errors only, unless LOG_LEVEL says otherwise.
    const running = await startServer({ ...cfg, allowInsecureHttp: true, logLevel: process.env.LOG_LEVEL ?? 'warn' }, { demoHints: sandboxes.hints });
    process.stdout.write(describeSandboxes(sandboxes));
    process.stdout.write(`\nCrosswalk demo running at ${running.url}\nOpen it, create the administrator account, then go to Integrations: the sandbox values are offered there.\n`);
    onShutdown(async () => {
      await running.close();
      await sandboxes.close();
    });
  });

program.command('sync')
  .description('Run a sync now and wait for it')
  .argument('<kind>', INTEGRATION_KINDS.join(' or '))
  .option('--mode <mode>', 'incremental or full', 'incremental')
  .action(async (kind: string, o: { mode: string }) => {
    if (!INTEGRATION_KINDS.includes(kind)) fail(`kind must be one of: ${INTEGRATION_KINDS.join(', ')}`);
    if (o.mode !== 'incremental' && o.mode !== 'full') fail('--mode must be incremental or full');
    const { createServices } = await import('../services.js');
    const { createVault, resolveKey, verifySecretKey } = await import('../store/secrets.js');
    const cfg = config();
    const store = await openDatabase(cfg.databaseUrl);
    const key = resolveKey(cfg.secretKey, cfg.dataDir);
    const vault = createVault(key.key);
    const services = createServices(cfg, store, vault, (m) => process.stderr.write(`${m}\n`));
    await starting(() => verifySecretKey(vault, key, services.repos.instance));
    const target = (await services.integrations.configuredKinds()).find((r) => r.kind === kind);
    if (target === undefined) fail(`${kind} is not configured.`);
    const run = await services.sync.start(target.workspaceId, kind, o.mode as 'incremental' | 'full');
    const done = await services.sync.waitFor(run.id);
    await services.stop();
    await store.close();
    process.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
    process.exit(done?.status === 'succeeded' ? 0 : 1);
  });

await program.parseAsync(process.argv);
