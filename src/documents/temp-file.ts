/**
 * Incoming bytes go to a temporary file in the store's filesystem, hashed on the way and fsynced
 * before anyone looks at them; a multer storage engine does the same for HTTP uploads, so a 20 MB
 * file is never held in memory and a failed request leaves only temporary files (removed by
 * multer, and by the sweeper if the process dies first).
 */
import { createHash } from "node:crypto";
import { createWriteStream, promises as fsp } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Request } from "express";
import type { StorageEngine } from "multer";
import type { BlobStore } from "./store.js";

export interface TempFile {
  /** The name as the client gave it. */
  originalName: string;
  path: string;
  size: number;
  sha256: string;
}

/** Writes the bytes to a fresh temporary file, fsynced; at most `maxBytes` (or it is removed and a RangeError thrown). */
export async function writeTemp(store: BlobStore, source: Buffer | Readable, originalName: string, maxBytes = Infinity): Promise<TempFile> {
  const file = store.tempPath();
  const hash = createHash("sha256");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new RangeError(`larger than ${maxBytes} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const handle = await fsp.open(file, "wx", 0o600);
  try {
    const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
    await pipeline(input, meter, createWriteStream("", { fd: handle.fd, autoClose: false }));
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fsp.rm(file, { force: true });
    throw error;
  }
  await handle.close();
  return { originalName, path: file, size, sha256: hash.digest("hex") };
}

/** A multer storage engine writing each file with writeTemp; `req.files[i]` gets `path`, `size` and `sha256`. */
export function tempStorage(store: BlobStore): StorageEngine {
  return {
    _handleFile(_req: Request, file, cb) {
      void writeTemp(store, file.stream, file.originalname).then(
        (t) => cb(null, { path: t.path, size: t.size, sha256: t.sha256 } as Partial<Express.Multer.File>),
        (error: Error) => cb(error),
      );
    },
    _removeFile(_req: Request, file, cb) {
      const p = (file as Express.Multer.File).path;
      if (!p) return cb(null);
      void fsp.rm(p, { force: true }).then(() => cb(null), (error: Error) => cb(error));
    },
  };
}
