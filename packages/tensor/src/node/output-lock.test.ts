import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE, OutputLock, OutputLockedError, type LockHolder } from './output-lock.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'ufbert-lock-'));
const holderOf = (dir: string): LockHolder => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
const lockFor = (pid: number, host = hostname()): string => `${JSON.stringify({ pid, host, startedAt: '2026-01-01T00:00:00.000Z', command: 'other run' })}\n`;

/** A process that runs until killed, and its pid once it has started. */
async function otherProcess(): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  return {
    pid: child.pid!,
    kill: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

describe('output folder lock', () => {
  it('is exclusive within a process, names its holder, and is free again once released', () => {
    const dir = freshDir();
    const lock = OutputLock.acquire(dir);
    expect(holderOf(dir)).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => OutputLock.acquire(dir)).toThrow(OutputLockedError);
    expect(() => OutputLock.acquire(dir)).toThrow(new RegExp(`in use by pid ${process.pid} on ${hostname()}`));
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    OutputLock.acquire(dir).release();
  });

  it('refuses a folder held by another live process', async () => {
    const dir = freshDir();
    const other = await otherProcess();
    try {
      writeFileSync(join(dir, LOCK_FILE), lockFor(other.pid));
      const error = (() => {
        try {
          OutputLock.acquire(dir);
        } catch (e) {
          return e;
        }
      })() as OutputLockedError;
      expect(error).toBeInstanceOf(OutputLockedError);
      expect(error.holder?.pid).toBe(other.pid);
      expect(error.message).toContain(`in use by pid ${other.pid}`);
      expect(holderOf(dir).pid).toBe(other.pid);
    } finally {
      await other.kill();
    }
  });

  it('reports and takes over the lock of a process that was killed', async () => {
    const dir = freshDir();
    const other = await otherProcess();
    writeFileSync(join(dir, LOCK_FILE), lockFor(other.pid));
    await other.kill();
    const messages: string[] = [];
    const lock = OutputLock.acquire(dir, { print: (m) => messages.push(m) });
    expect(messages).toEqual([expect.stringContaining(`took over a stale lock of pid ${other.pid}`)]);
    expect(holderOf(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('never takes over a lock of another host or one it cannot read', () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOCK_FILE), lockFor(1, 'some-other-host'));
    expect(() => OutputLock.acquire(dir)).toThrow(/locked by pid 1 on some-other-host .*another host/);
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    expect(() => OutputLock.acquire(dir)).toThrow(/does not name a holder/);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe('garbage');
  });

  it('leaves a lock alone that another run wrote over its own', () => {
    const dir = freshDir();
    const lock = OutputLock.acquire(dir);
    writeFileSync(join(dir, LOCK_FILE), lockFor(1));
    lock.release();
    expect(holderOf(dir).pid).toBe(1);
  });
});
