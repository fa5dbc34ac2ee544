/**
 * The local stack's failures: a small fixed set of codes, each saying whether trying again can help.
 * Every message names what is missing or wrong and the command or setting that fixes it.
 */
export const STACK_ERROR_CODES = {
  CONFIG_INVALID: { retriable: false },
  USAGE: { retriable: false },
  PREREQUISITE_MISSING: { retriable: false },
  COMMAND_FAILED: { retriable: false },
  PORT_IN_USE: { retriable: true },
  COMPONENT_START_FAILED: { retriable: true },
  STACK_CONFLICT: { retriable: false },
  STACK_NOT_RUNNING: { retriable: false },
} as const;

export type StackErrorCode = keyof typeof STACK_ERROR_CODES;

export class StackError extends Error {
  readonly code: StackErrorCode;
  readonly retriable: boolean;

  constructor(code: StackErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.retriable = STACK_ERROR_CODES[code].retriable;
  }
}

/** An environment variable does not hold the expected form. */
export class ConfigError extends StackError {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super('CONFIG_INVALID', message);
    this.variable = variable;
  }
}

/** The command line does not match a command. */
export class UsageError extends StackError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** A tool or artefact the stack needs is absent and could not be installed. */
export class PrerequisiteError extends StackError {
  readonly prerequisite: string;

  constructor(prerequisite: string, message: string, options?: { cause?: unknown }) {
    super('PREREQUISITE_MISSING', message, options);
    this.prerequisite = prerequisite;
  }
}

/** A one-shot command (installer, formatter, initdb) exited with an error. */
export class CommandFailedError extends StackError {
  readonly command: string;
  readonly exitCode: number | null;
  readonly logFile: string;

  constructor(command: string, exitCode: number | null, logFile: string, logTail: string) {
    super(
      'COMMAND_FAILED',
      `\`${command}\` failed (exit ${exitCode ?? 'by signal'}); full output in ${logFile}\n${logTail}`,
    );
    this.command = command;
    this.exitCode = exitCode;
    this.logFile = logFile;
  }
}

/** Another process already listens where a component must. */
export class PortInUseError extends StackError {
  readonly port: number;

  constructor(port: number, setting: string) {
    super(
      'PORT_IN_USE',
      `port ${port} is already in use by another process: stop it or set ${setting} to a free port`,
    );
    this.port = port;
  }
}

/** A long-running component exited or never became healthy. */
export class ComponentStartError extends StackError {
  readonly component: string;
  readonly logFile: string;

  constructor(component: string, reason: string, logFile: string, logTail: string) {
    super('COMPONENT_START_FAILED', `${component} ${reason}; full log in ${logFile}\n${logTail}`);
    this.component = component;
    this.logFile = logFile;
  }
}

/** The request contradicts what is running (e.g. another broker count). */
export class StackConflictError extends StackError {
  constructor(message: string) {
    super('STACK_CONFLICT', message);
  }
}

export class StackNotRunningError extends StackError {
  constructor(detail: string) {
    super('STACK_NOT_RUNNING', `the local stack is not running (${detail}): run \`pnpm stack up\` first`);
  }
}
