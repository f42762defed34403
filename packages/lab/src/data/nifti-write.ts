/**
 * Writes a single-file NIfTI-1 image (`.nii`, or `.nii.gz` through `node:zlib`). Small on
 * purpose: tests use it to make fixtures, and it is enough to save a predicted label map.
 *
 * Layout written, following the NIfTI-1 standard (nifti1.h): a 348-byte header, 4 zero
 * extension bytes, voxels from byte 352 (`vox_offset`), x fastest; magic "n+1\0" at byte 344;
 * `xyzt_units` = mm; `sform_code` = 1 with a diagonal `srow` of the spacing, `qform_code` = 0.
 * Values are stored as given: `sclSlope`/`sclInter` are written to the header only, so a reader
 * returns `value * sclSlope + sclInter`.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dataError, formatShape } from './errors.js';
import { datatypeByName, supportedDatatypes } from './nifti-datatype.js';
import type { NiftiDatatype } from './nifti-datatype.js';

/** What `writeNifti` writes. */
export interface NiftiWriteInput {
  /** Stored voxel values, x fastest; length must be the product of `shape`. */
  data: ArrayLike<number>;
  /** Size of each dimension, 1 to 7 of them (`[nx, ny, nz]`, `[nx, ny, nz, nt]`). */
  shape: readonly number[];
  /** Voxel size in mm per spatial dimension; missing entries are 1. Default all 1. */
  spacing?: readonly number[];
  /** Storage type; integer types reject non-integer or out-of-range values. */
  datatype: NiftiDatatype;
  /** `scl_slope`; default 1. */
  sclSlope?: number;
  /** `scl_inter`; default 0. */
  sclInter?: number;
  /** Gzip the file. Default: true when the path ends in `.gz`. */
  gzip?: boolean;
  /** Byte order. Default true (little-endian). */
  littleEndian?: boolean;
}

const who = 'writeNifti';
const headerSize = 348;
const voxOffset = 352;

/** Writes `input` to `path` as NIfTI-1. See the module comment for the exact layout. */
export function writeNifti(path: string, input: NiftiWriteInput): void {
  writeFileSync(path, encodeNifti(input, input.gzip ?? path.endsWith('.gz')));
}

/** The bytes `writeNifti` would write, gzipped when `gzip` is true. */
export function encodeNifti(input: NiftiWriteInput, gzip: boolean): Uint8Array {
  const { data, shape } = input;
  const type = datatypeByName(input.datatype);
  if (type === undefined) {
    dataError(
      who,
      `datatype must be one of ${supportedDatatypes.join(', ')}, got ${String(input.datatype)}`,
    );
  }
  if (shape.length < 1 || shape.length > 7 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    dataError(who, `shape must be 1 to 7 positive integers, got [${shape.join(', ')}]`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    dataError(
      who,
      `data must hold ${count} values for shape ${formatShape(shape)}, got ${data.length}`,
    );
  }
  const le = input.littleEndian ?? true;
  const spacing = [0, 1, 2, 3, 4, 5, 6].map((d) => input.spacing?.[d] ?? 1);

  const bytes = new Uint8Array(voxOffset + count * type.bytes);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, headerSize, le); // sizeof_hdr
  bytes[38] = 'r'.charCodeAt(0); // regular
  view.setInt16(40, shape.length, le); // dim[0]
  for (let d = 0; d < 7; d++) view.setInt16(42 + 2 * d, shape[d] ?? 1, le); // dim[1..7]
  view.setInt16(70, type.code, le); // datatype
  view.setInt16(72, type.bytes * 8, le); // bitpix
  view.setFloat32(76, 1, le); // pixdim[0] = qfac
  for (let d = 0; d < 7; d++) view.setFloat32(80 + 4 * d, spacing[d], le); // pixdim[1..7]
  view.setFloat32(108, voxOffset, le); // vox_offset
  view.setFloat32(112, input.sclSlope ?? 1, le); // scl_slope
  view.setFloat32(116, input.sclInter ?? 0, le); // scl_inter
  bytes[123] = 2; // xyzt_units: NIFTI_UNITS_MM
  view.setInt16(254, 1, le); // sform_code: scanner anatomical
  view.setFloat32(280, spacing[0], le); // srow_x[0]
  view.setFloat32(296 + 4, spacing[1], le); // srow_y[1]
  view.setFloat32(312 + 8, spacing[2], le); // srow_z[2]
  bytes.set([0x6e, 0x2b, 0x31, 0x00], 344); // magic "n+1\0"

  for (let i = 0; i < count; i++) {
    const value = data[i];
    if ((type.integer && !Number.isInteger(value)) || value < type.min || value > type.max) {
      dataError(
        who,
        `data[${i}] = ${value} cannot be stored as ${type.name} (range ${type.min}..${type.max})`,
      );
    }
    type.write(view, voxOffset + i * type.bytes, value, le);
  }
  return gzip ? gzipSync(bytes) : bytes;
}
