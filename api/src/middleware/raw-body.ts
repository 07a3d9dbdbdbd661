/**
 * Reads a request body into `req.body` as a Buffer, inflating gzip, deflate and brotli, within a
 * byte limit that applies to the inflated size (so a compression bomb is refused too).
 *
 * Unlike express.raw, a body that is refused is not read to its end first: body-parser drains the
 * whole request before it answers, so a client streaming gigabytes would be answered only when it
 * stopped (or the request timeout struck). Here the answer goes out at once and the connection is
 * closed, which drops the rest.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import getRawBody from 'raw-body';
import type { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { HttpError } from './errors';

const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

/** What raw-body and zlib report, by their `type` or `code`. */
interface ReadError {
  type?: string;
  code?: string;
}

function describe(err: ReadError, limit: number): HttpError {
  switch (err.type) {
    case 'entity.too.large':
      return new HttpError(413, `Request body is larger than the limit of ${limit} bytes`);
    case 'request.aborted':
    case 'request.size.invalid':
      return new HttpError(400, 'The request body was incomplete or inconsistent with its headers');
    default:
      break;
  }
  if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
    return new HttpError(400, 'The request body could not be decompressed as its Content-Encoding says');
  }
  return new HttpError(400, 'The request body could not be read');
}

export function rawBody(limit: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const encoding = String(req.headers['content-encoding'] || 'identity').trim().toLowerCase() || 'identity';
    const refuse = (error: HttpError): void => {
      // Whatever is still on its way is not wanted: answer now and let Node close the connection.
      res.setHeader('Connection', 'close');
      next(error);
    };
    let decoder: Transform | undefined;
    if (encoding !== 'identity') {
      const make = DECODERS[encoding];
      if (!make) {
        refuse(new HttpError(415, `Unsupported Content-Encoding "${encoding}"; use gzip, deflate, br or none`));
        return;
      }
      const inflating = make();
      decoder = req.pipe(inflating);
      // A pipe does not pass on a client that goes away mid-body; without this the read never ends.
      req.once('close', () => {
        if (!req.complete) {
          inflating.destroy(Object.assign(new Error('The client closed the connection before the body ended'), { type: 'request.aborted' }));
        }
      });
    }
    const stream: Readable = decoder ?? req;
    // The declared length is checked up front (a 413 before any byte is read) only when it is the body's real size.
    const length = encoding === 'identity' ? req.headers['content-length'] : undefined;
    getRawBody(stream, { length, limit }, (err: ReadError | null, body: Buffer) => {
      if (decoder) {
        req.unpipe(decoder);
        decoder.on('error', () => undefined);
        decoder.destroy();
      }
      if (err) {
        refuse(describe(err, limit));
        return;
      }
      if (decoder) {
        // The decoder is done with the request; let anything still unread drain so it completes.
        req.resume();
      }
      req.body = body;
      next();
    });
  };
}
