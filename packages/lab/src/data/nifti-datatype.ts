/**
 * The NIfTI voxel datatypes this project reads and writes: their header codes (NIfTI-1 and
 * NIfTI-2 share them), sizes, value ranges and how to read one voxel from a `DataView`.
 *
 * Not supported, and rejected with a message naming the code: binary (1), complex (32, 1792,
 * 2048), RGB/RGBA (128, 2304), 64-bit integers (1024, 1280: not exact in float32 anyway) and
 * float128 (1536).
 */

/** Names of the supported voxel datatypes. */
export type NiftiDatatype =
  'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** What the reader and the writer need to know about one datatype. */
export interface DatatypeInfo {
  name: NiftiDatatype;
  /** The `datatype` field of the header. */
  code: number;
  /** Bytes per voxel; `bitpix` is 8 times this. */
  bytes: number;
  /** Whether stored values must be integers. */
  integer: boolean;
  /** Smallest and largest storable value (float types: ±Infinity). */
  min: number;
  max: number;
  /** Reads the voxel at byte `offset`. */
  read: (view: DataView, offset: number, littleEndian: boolean) => number;
  /** Writes one voxel at byte `offset`. */
  write: (view: DataView, offset: number, value: number, littleEndian: boolean) => void;
}

const table: readonly DatatypeInfo[] = [
  {
    name: 'uint8',
    code: 2,
    bytes: 1,
    integer: true,
    min: 0,
    max: 255,
    read: (v, o) => v.getUint8(o),
    write: (v, o, x) => v.setUint8(o, x),
  },
  {
    name: 'int16',
    code: 4,
    bytes: 2,
    integer: true,
    min: -32768,
    max: 32767,
    read: (v, o, le) => v.getInt16(o, le),
    write: (v, o, x, le) => v.setInt16(o, x, le),
  },
  {
    name: 'int32',
    code: 8,
    bytes: 4,
    integer: true,
    min: -2147483648,
    max: 2147483647,
    read: (v, o, le) => v.getInt32(o, le),
    write: (v, o, x, le) => v.setInt32(o, x, le),
  },
  {
    name: 'float32',
    code: 16,
    bytes: 4,
    integer: false,
    min: -Infinity,
    max: Infinity,
    read: (v, o, le) => v.getFloat32(o, le),
    write: (v, o, x, le) => v.setFloat32(o, x, le),
  },
  {
    name: 'float64',
    code: 64,
    bytes: 8,
    integer: false,
    min: -Infinity,
    max: Infinity,
    read: (v, o, le) => v.getFloat64(o, le),
    write: (v, o, x, le) => v.setFloat64(o, x, le),
  },
  {
    name: 'int8',
    code: 256,
    bytes: 1,
    integer: true,
    min: -128,
    max: 127,
    read: (v, o) => v.getInt8(o),
    write: (v, o, x) => v.setInt8(o, x),
  },
  {
    name: 'uint16',
    code: 512,
    bytes: 2,
    integer: true,
    min: 0,
    max: 65535,
    read: (v, o, le) => v.getUint16(o, le),
    write: (v, o, x, le) => v.setUint16(o, x, le),
  },
  {
    name: 'uint32',
    code: 768,
    bytes: 4,
    integer: true,
    min: 0,
    max: 4294967295,
    read: (v, o, le) => v.getUint32(o, le),
    write: (v, o, x, le) => v.setUint32(o, x, le),
  },
];

/** Names of unsupported codes, for error messages. */
const unsupportedNames: Record<number, string> = {
  0: 'none',
  1: 'binary',
  32: 'complex64',
  128: 'rgb24',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'rgba32',
};

/** The names of the supported datatypes, in header-code order. */
export const supportedDatatypes: readonly NiftiDatatype[] = table.map((t) => t.name);

/** The datatype with header code `code`, or `undefined` when it is not supported. */
export function datatypeByCode(code: number): DatatypeInfo | undefined {
  return table.find((t) => t.code === code);
}

/** The datatype called `name`, or `undefined` when it is not supported. */
export function datatypeByName(name: string): DatatypeInfo | undefined {
  return table.find((t) => t.name === name);
}

/** `rgb24 (code 128)` or `code 9999` for a datatype code this project does not support. */
export function describeDatatypeCode(code: number): string {
  const name = unsupportedNames[code] ?? datatypeByCode(code)?.name;
  return name === undefined ? `code ${code}` : `${name} (code ${code})`;
}
