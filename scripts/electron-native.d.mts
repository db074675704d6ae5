export interface NativePaths {
  dir: string;
  binding: string;
  stamp: string;
  sourcePackage: string;
}
export interface Command {
  command: string;
  args: string[];
  cwd: string;
}
export interface BuildInput {
  root: string;
  workDir: string;
  electronVersion: string;
  arch: string;
  nodePath: string;
}

export function nativePaths(root: string): NativePaths;
export function nativeStamp(input: { electronVersion: string; betterSqliteVersion: string; platform: string; arch: string }): string;
export function needsNativeBuild(input: { bindingExists: boolean; recordedStamp: string | null; expectedStamp: string }): boolean;
export function shouldCopyPackageEntry(sourcePackage: string, entry: string): boolean;
export function prebuildInstallCommand(input: BuildInput): Command;
export function nodeGypRebuildCommand(input: BuildInput): Command;
export function builtBinding(workDir: string): string;
export function npmRunCommand(
  script: string,
  input: { env: Record<string, string | undefined>; nodePath: string; platform: string },
): { command: string; args: string[]; shell: boolean };
export function electronLaunch(input: {
  electronPath: string;
  root: string;
  argv: string[];
  env: Record<string, string | undefined>;
}): Command & { env: Record<string, string | undefined> };
export function electronMissingMessage(detail?: string): string;
export function nativeBuildFailedMessage(electronVersion: string): string;
