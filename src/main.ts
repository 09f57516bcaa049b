import { ConfigError, loadConfig } from './config.js';
import { onShutdown, startServer } from './runtime.js';

try {
  const config = loadConfig();
  const running = await startServer(config);
  process.stdout.write(`Crosswalk listening on ${running.url}\n`);
  onShutdown(() => running.close());
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`Invalid configuration: ${e.message.split('\n').join('; ')}\n`);
  } else {
    process.stderr.write(`Crosswalk failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  process.exit(1);
}
