// Errors of the program store. Every failure a user can cause is a LoaderError with a stable
// `code` and a one-line message; the CLI prints the message and exits non-zero.

export type LoaderErrorCode =
  | 'ERR_BAD_CID' // not a CID (nor a prefix of one)
  | 'ERR_UNKNOWN_PREFIX' // no locally stored program starts with this prefix
  | 'ERR_AMBIGUOUS_PREFIX' // several stored programs start with this prefix
  | 'ERR_UNSUPPORTED_CID' // a codec or hash the store does not handle
  | 'ERR_NOT_FOUND' // not stored locally and no peer to ask
  | 'ERR_FETCH_TIMEOUT' // no peer supplied the block in time
  | 'ERR_HASH_MISMATCH' // bytes do not match their CID
  | 'ERR_BAD_BLOCK' // a block that does not decode as UnixFS file data
  | 'ERR_BAD_PEER' // a peer multiaddr that does not parse or cannot be dialled
  | 'ERR_PINNED' // refusing to remove a pinned program
  | 'ERR_BAD_CAR' // a CAR file that does not parse or whose blocks do not match
  | 'ERR_BAD_CONFIG' // WASMOS_HOME/config.json is malformed
  | 'ERR_IO' // a file could not be read or written
  | 'ERR_ABORTED' // the caller's signal fired

export class LoaderError extends Error {
  readonly code: LoaderErrorCode

  constructor (code: LoaderErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LoaderError'
    this.code = code
  }
}
