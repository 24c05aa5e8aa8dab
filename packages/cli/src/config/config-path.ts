import path from 'node:path';

/**
 * Where the CLI keeps its sign-in: `$MODELGATE_CONFIG` when set (a file path), else
 * `$XDG_CONFIG_HOME/modelgate/config.json`, else `~/.config/modelgate/config.json`. Relative
 * values are ignored for XDG_CONFIG_HOME, as the XDG Base Directory spec says.
 */
export function configFilePath(env: NodeJS.ProcessEnv, homeDir: string): string {
  if (env.MODELGATE_CONFIG) return path.resolve(env.MODELGATE_CONFIG);
  const xdgConfigHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homeDir, '.config');
  return path.join(xdgConfigHome, 'modelgate', 'config.json');
}
