import { describe, expect, it } from 'vitest';
import { sitePath } from './Messages';

describe('sitePath', () => {
  it('keeps paths inside the site', () => {
    expect(sitePath('/t/demo/my/correction/3')).toBe('/t/demo/my/correction/3');
    expect(sitePath('/t/demo/my')).toBe('/t/demo/my');
  });
  it('drops anything that could leave it', () => {
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', null, undefined])
      expect(sitePath(bad)).toBeNull();
  });
});
