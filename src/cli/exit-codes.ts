/** The process exit codes of the command-line contract. */
export const ExitCode = {
  success: 0,
  runFailed: 1,
  configInvalid: 2,
  flowLocked: 3,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
