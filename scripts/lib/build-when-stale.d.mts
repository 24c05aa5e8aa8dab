export function buildWhenStale(packageRoot: string, builtFile: string): void;
