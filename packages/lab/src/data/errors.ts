/**
 * The one place that builds the error messages of the data layer. Every message starts with the
 * component that raised it and names the file, the value found and the value expected, e.g.
 * `nifti: /x/y.nii.gz is not a NIfTI-1 or NIfTI-2 file (bad magic "abcd")`.
 */

/** The error type thrown for unreadable files and bad dataset options in the lab's data layer. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/** Throws `who: message`. `message` should name the file or option, what was found and why. */
export function dataError(who: string, message: string): never {
  throw new DataError(`${who}: ${message}`);
}

/** Formats a shape as `181×217×181` for messages. */
export function formatShape(shape: readonly number[]): string {
  return shape.join('×');
}
