import { describe, expect, it } from 'vitest';
import { configFilePath } from './config-path.js';

describe('configFilePath', () => {
  it('prefers MODELGATE_CONFIG, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(configFilePath({ MODELGATE_CONFIG: '/etc/mg/ci.json', XDG_CONFIG_HOME: '/x' }, '/home/ada')).toBe('/etc/mg/ci.json');
    expect(configFilePath({ XDG_CONFIG_HOME: '/x/config' }, '/home/ada')).toBe('/x/config/modelgate/config.json');
    expect(configFilePath({}, '/home/ada')).toBe('/home/ada/.config/modelgate/config.json');
  });

  it('ignores a relative XDG_CONFIG_HOME (the XDG spec says so) and an empty MODELGATE_CONFIG', () => {
    expect(configFilePath({ XDG_CONFIG_HOME: 'relative/dir', MODELGATE_CONFIG: '' }, '/home/ada')).toBe('/home/ada/.config/modelgate/config.json');
  });
});
