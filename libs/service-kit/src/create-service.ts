import { hostname } from 'node:os';
import { ConfigError, type ConfigOf, loadConfig, type SettingsTree } from '@tributary/config';
import { EXIT_CONFIG, EXIT_FAILURE, EXIT_OK } from './exit-codes.ts';
import { createLogger } from './logger.ts';
import { type FatalHandler, Service } from './service.ts';
import { type ServiceConfig, serviceSettings } from './service-settings.ts';

export interface ServiceOptions<S extends SettingsTree> {
  /** The service's name, as it appears in every log line and in `tributary_service_info`. */
  readonly name: string;
  readonly version?: string;
  /** The service's own settings; `service` is taken by the kit's (`config.service`). */
  readonly settings?: S & { readonly service?: never };
  /** Crash policy hook, see {@link FatalHandler}. */
  readonly onFatal?: FatalHandler;
}

/**
 * Loads the kit's and the service's settings together (exiting with code 78 and every bad variable
 * named if any is wrong), builds the logger, metrics registry and servers, and takes over process
 * signals: SIGTERM/SIGINT stop the service, an uncaught error crashes it.
 */
export function createService<S extends SettingsTree = Record<never, never>>(
  options: ServiceOptions<S>,
): Service<ConfigOf<S>> {
  const { name, version = 'unknown', onFatal } = options;
  const config = loadOrExit(name, options.settings ?? {});
  // loadOrExit loaded exactly the settings S declares, plus the kit's.
  const service = new Service({
    name,
    version,
    config: config as ConfigOf<S> & { service: ServiceConfig },
    onFatal,
  });
  superviseProcess(service);
  return service;
}

function loadOrExit(name: string, settings: SettingsTree): { readonly service: ServiceConfig } {
  try {
    return loadConfig({ ...settings, service: serviceSettings });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // One JSON line for the log pipeline, and plain lines for whoever reads `kubectl logs`.
    const logger = createLogger({ service: name, instance: hostname(), level: 'info', fd: 2 });
    logger.fatal({ code: error.code, issues: error.issues }, 'invalid configuration');
    process.stderr.write(
      `${name}: invalid configuration, fix these environment variables:\n${error.message}\n`,
    );
    process.exit(EXIT_CONFIG);
  }
}

function superviseProcess(service: Service<unknown>): void {
  const stop = (signal: NodeJS.Signals) => {
    service.logger.info({ signal }, 'stopping on signal');
    service.stop().then(
      () => process.exit(EXIT_OK),
      () => process.exit(EXIT_FAILURE),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Unhandled rejections arrive here too: Node raises them as uncaught exceptions by default.
  process.on('uncaughtException', (error) => service.fail(error));
}
