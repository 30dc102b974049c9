import { existsSync } from 'node:fs';
import { AppConfig, loadConfig } from './app-config';
import { ConfigValidationError } from './environment';

/**
 * Boot-time entry for both processes: reads `.env` when present, validates, and stops the process
 * with exit code 1 and a message naming each bad variable when the configuration is unusable.
 */
export function loadConfigOrExit(processName: string): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (error) {
    const message = error instanceof ConfigValidationError ? error.message : String(error);
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), process: processName, msg: message })}\n`,
    );
    process.exit(1);
  }
}
