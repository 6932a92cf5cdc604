import { describe, expect, it } from 'vitest';
import { readSotu } from './sotu.js';

describe('readSotu', () => {
  const addresses = readSotu();

  it('reads all 233 State of the Union addresses, 1790 to 2021, with unique ids', () => {
    expect(addresses).toHaveLength(233);
    expect(addresses[0].id).toBe('1790-george-washington');
    expect(addresses.at(-1)!.id).toBe('2021-joseph-r-biden');
    expect(new Set(addresses.map((a) => a.id)).size).toBe(233);
    expect(addresses.every((a) => a.source === 'sotu' && a.text.length > 1000)).toBe(true);
  });

  it('holds the known text', () => {
    expect(addresses[0].text.startsWith('Fellow-Citizens of the Senate and House of Representatives: In meeting you again I feel much satisfaction')).toBe(
      true,
    );
    const lincoln = addresses.find((a) => a.id === '1862-abraham-lincoln')!;
    expect(lincoln.text).toContain('We shall nobly save or meanly lose the last best hope of earth.');
    const roosevelt = addresses.find((a) => a.id === '1941-franklin-d-roosevelt')!;
    expect(roosevelt.text).toContain('we look forward to a world founded upon four essential human freedoms.');
  });
});
