import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Files stored with Git LFS on the hub (served from the file storage by a redirect); the rest are plain git blobs. */
const LFS_FILES = new Set(['model.safetensors']);

/** How the file storage misbehaves for one blob: cut short, other bytes of the same length, a declared length of 10 TB, a trickle, a 500. */
export type StorageFault = 'truncate' | 'changed' | 'huge-length' | 'slow' | 'error';

export interface LocalRepo {
  /** commit -> file name -> bytes */
  commits: Map<string, Map<string, Uint8Array>>;
  /** branch -> commit */
  refs: Map<string, string>;
}

export interface RecordedRequest {
  host: 'hub' | 'storage';
  method: string;
  url: string;
  authorization: string | undefined;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export const gitOid = (bytes: Uint8Array) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

/** A commit id made from its files, as git's would be: stable for the same contents. */
export function commitOf(files: Map<string, Uint8Array>): string {
  const hash = createHash('sha1');
  for (const [name, bytes] of [...files].sort(([a], [b]) => a.localeCompare(b))) hash.update(name).update(gitOid(bytes));
  return hash.digest('hex');
}

/** A folder's files as one commit's contents. */
export function folderFiles(dir: string): Map<string, Uint8Array> {
  return new Map(
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [e.name, new Uint8Array(readFileSync(join(dir, e.name)))]),
  );
}

/**
 * Two local HTTP servers standing in for the Hugging Face hub and its file storage, answering
 * the endpoints @huggingface/hub's modelInfo and pathsInfo call and the hub's `resolve` URLs:
 * model info with the commit (sha) and files (siblings); paths-info with git oids and LFS
 * oids; `resolve/<revision>/<file>` with ETag and X-Repo-Commit, for an LFS file a 302 to the
 * storage (signed query string included) with X-Linked-Etag and X-Linked-Size.
 */
export class LocalHub {
  readonly repos = new Map<string, LocalRepo>();
  readonly requests: RecordedRequest[] = [];
  /** sha256 of a blob -> how the storage serves it. */
  readonly faults = new Map<string, StorageFault>();
  private hubServer!: Server;
  private storageServer!: Server;
  endpoint = '';
  storage = '';

  static async start(): Promise<LocalHub> {
    const hub = new LocalHub();
    hub.hubServer = createServer((req, res) => hub.answerHub(req, res));
    hub.storageServer = createServer((req, res) => hub.answerStorage(req, res));
    hub.endpoint = await listen(hub.hubServer);
    hub.storage = await listen(hub.storageServer);
    return hub;
  }

  /** Adds `files` as a new commit of `repo` and points `main` at it; returns the commit. */
  publish(repo: string, files: Map<string, Uint8Array>, branch = 'main'): string {
    const entry = this.repos.get(repo) ?? { commits: new Map(), refs: new Map() };
    const commit = commitOf(files);
    entry.commits.set(commit, files);
    entry.refs.set(branch, commit);
    this.repos.set(repo, entry);
    return commit;
  }

  async stop(): Promise<void> {
    for (const server of [this.hubServer, this.storageServer]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  private files(repo: string, revision: string): { commit: string; files: Map<string, Uint8Array> } | undefined {
    const entry = this.repos.get(repo);
    const commit = entry?.refs.get(revision) ?? revision;
    const files = entry?.commits.get(commit);
    return files && { commit, files };
  }

  private answerHub(req: IncomingMessage, res: ServerResponse): void {
    if (allowCrossOrigin(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://hub');
    this.requests.push({ host: 'hub', method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    const parts = url.pathname.split('/').map(decodeURIComponent);
    if (parts[1] === 'api' && parts[2] === 'models' && parts[5] === 'revision' && req.method === 'GET') {
      const found = this.files(`${parts[3]}/${parts[4]}`, parts[6]);
      if (!found) {
        json(res, 404, { error: 'Repository or revision not found' }, { 'x-error-code': 'RevisionNotFound' });
        return;
      }
      json(res, 200, {
        _id: 'x',
        id: `${parts[3]}/${parts[4]}`,
        sha: found.commit,
        siblings: [...found.files.keys()].map((rfilename) => ({ rfilename })),
        private: false,
        lastModified: '2023-11-20T00:00:00.000Z',
      });
      return;
    }
    if (parts[1] === 'api' && parts[2] === 'models' && parts[5] === 'paths-info' && req.method === 'POST') {
      const found = this.files(`${parts[3]}/${parts[4]}`, parts[6]);
      if (!found) {
        json(res, 404, { error: 'Revision not found' });
        return;
      }
      return void readBody(req).then((body) => {
        const paths = (JSON.parse(body) as { paths: string[] }).paths;
        json(
          res,
          200,
          paths.filter((p) => found.files.has(p)).map((path) => pathInfo(path, found.files.get(path)!)),
        );
      });
    }
    if (parts[3] === 'resolve') {
      const found = this.files(`${parts[1]}/${parts[2]}`, parts[4]);
      const file = parts.slice(5).join('/');
      const bytes = found?.files.get(file);
      if (!found || !bytes) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end();
      const headers = { 'x-repo-commit': found.commit };
      if (LFS_FILES.has(file)) {
        const oid = sha256(bytes);
        const location = `${this.storage}/blobs/${oid}?X-Amz-Signature=signed-secret`;
        return void res
          .writeHead(302, {
            ...headers,
            location,
            etag: `"${gitOid(new TextEncoder().encode(`lfs ${oid}`))}"`,
            'x-linked-etag': `"${oid}"`,
            'x-linked-size': bytes.length,
          })
          .end();
      }
      return void res.writeHead(200, { ...headers, etag: `"${gitOid(bytes)}"`, 'content-length': bytes.length }).end(bytes);
    }
    res.writeHead(404).end();
  }

  private answerStorage(req: IncomingMessage, res: ServerResponse): void {
    if (allowCrossOrigin(req, res)) return;
    this.requests.push({ host: 'storage', method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    const url = new URL(req.url ?? '/', 'http://storage');
    const oid = url.pathname.split('/')[2];
    const bytes = [...this.repos.values()]
      .flatMap((r) => [...r.commits.values()])
      .flatMap((files) => [...files.values()])
      .find((b) => sha256(b) === oid);
    if (!bytes || url.searchParams.get('X-Amz-Signature') !== 'signed-secret') return void res.writeHead(403).end();
    const fault = this.faults.get(oid);
    if (fault === 'error') return void res.writeHead(500).end('storage failure');
    if (fault === 'huge-length') {
      res.writeHead(200, { 'content-length': String(10 ** 13) });
      return void res.write(bytes.subarray(0, 16));
    }
    res.writeHead(200, { 'content-length': bytes.length });
    if (fault === 'truncate') {
      res.write(bytes.subarray(0, bytes.length >> 1));
      return void setTimeout(() => res.socket?.destroy(), 20);
    }
    if (fault === 'changed') return void res.end(bytes.map((b, i) => (i === bytes.length - 1 ? b ^ 1 : b)));
    if (fault === 'slow') {
      let at = 0;
      const timer = setInterval(() => {
        if (res.destroyed || at >= bytes.length) return clearInterval(timer);
        res.write(bytes.subarray(at, at + 64));
        at += 64;
      }, 50);
      return;
    }
    res.end(bytes);
  }
}

/**
 * CORS as the hub and its storage send it, so a page (cross-origin isolated, as the playground
 * is) may fetch from them: every answer allowed to any origin with its headers readable, and a
 * preflight (paths-info is a JSON POST) answered here; true when the request was the preflight.
 */
function allowCrossOrigin(req: IncomingMessage, res: ServerResponse): boolean {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-expose-headers', 'etag, x-repo-commit, x-linked-etag, x-linked-size, content-length, x-error-code');
  res.setHeader('cross-origin-resource-policy', 'cross-origin');
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type, authorization, range, accept' }).end();
  return true;
}

function pathInfo(path: string, bytes: Uint8Array) {
  const lfs = LFS_FILES.has(path) ? { oid: sha256(bytes), size: bytes.length, pointerSize: 134 } : undefined;
  return { type: 'file', path, oid: lfs ? gitOid(new TextEncoder().encode(`lfs ${lfs.oid}`)) : gitOid(bytes), size: bytes.length, ...(lfs ? { lfs } : {}) };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}
