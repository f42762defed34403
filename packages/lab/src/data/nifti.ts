/**
 * Reads a NIfTI-1 or NIfTI-2 image (`.nii` or `.nii.gz`) into a `Float32Array`.
 *
 * The header is parsed by `nifti-reader-js`; decompression, validation and voxel decoding are
 * done here so that every failure names the file and what is wrong with it.
 *
 * Layout of the result: `shape` is `[nx, ny, nz]` in the file's own index order (i, j, k), and
 * voxel (x, y, z) lives at `data[x + nx * (y + ny * z)]` — x varies fastest, as on disk. Images
 * with fewer than three dimensions get trailing sizes of 1. Images with more than three (4D
 * time series, 5D vector fields) are a stack of 3D volumes; one of them is returned, chosen with
 * `volume` (default 0, the first), counting over dimensions 4..7 flattened in file order.
 *
 * Intensities are scaled as the standard asks: `value = stored * scl_slope + scl_inter` when
 * `scl_slope` is non-zero and finite; otherwise the stored values are returned unchanged.
 *
 * Not supported (each throws a message that says so): separate `.hdr`/`.img` pairs, the
 * datatypes listed in `nifti-datatype.ts`, and orientation: the voxel grid is returned as stored,
 * `qform`/`sform` are not applied.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { readHeader } from 'nifti-reader-js';
import { dataError, formatShape } from './errors.js';
import { datatypeByCode, describeDatatypeCode, supportedDatatypes } from './nifti-datatype.js';
import type { NiftiDatatype } from './nifti-datatype.js';

/** The header fields this project uses. */
export interface NiftiHeader {
  /** 1 for NIfTI-1 (348-byte header), 2 for NIfTI-2 (540-byte header). */
  version: 1 | 2;
  /** Size of every dimension, `dim[1..dim[0]]` of the header (e.g. `[181, 217, 181]`). */
  dims: number[];
  /** Voxel size in millimetres along x, y, z (`|pixdim[1..3]|`, converted from m or µm). */
  spacing: [number, number, number];
  /** The stored voxel type. */
  datatype: NiftiDatatype;
  /** `scl_slope`; 0 means "no scaling" in the standard. */
  sclSlope: number;
  /** `scl_inter`. */
  sclInter: number;
  /** Byte order of the file. */
  littleEndian: boolean;
}

/** One 3D volume read from a NIfTI file. */
export interface NiftiVolume {
  header: NiftiHeader;
  /** Scaled intensities, x fastest: voxel (x, y, z) is `data[x + nx * (y + ny * z)]`. */
  data: Float32Array;
  /** `[nx, ny, nz]`. */
  shape: [number, number, number];
  /** Which volume of a 4D+ file this is (0 for a 3D file). */
  volume: number;
  /** How many 3D volumes the file holds (product of dims 4..7; 1 for a 3D file). */
  volumeCount: number;
}

/** Options of `readNifti`. */
export interface ReadNiftiOptions {
  /** For files with more than three dimensions: which 3D volume to return. Default 0. */
  volume?: number;
}

const who = 'nifti';

/** Reads a `.nii` or `.nii.gz` file. See the module comment for the layout and the choices. */
export function readNifti(path: string, options: ReadNiftiOptions = {}): NiftiVolume {
  const bytes = readBytes(path);
  const buffer = exactArrayBuffer(bytes);
  const view = new DataView(buffer);
  const version = detectVersion(path, view);
  const raw = readHeader(buffer);
  const littleEndian = raw.littleEndian;

  const ndim = raw.dims[0];
  if (!Number.isInteger(ndim) || ndim < 1 || ndim > 7) {
    dataError(who, `${path} has dim[0] = ${ndim}, expected 1..7 dimensions`);
  }
  const dims = raw.dims.slice(1, ndim + 1);
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) {
    dataError(who, `${path} has dimensions ${formatShape(dims)}, expected positive sizes`);
  }
  const shape: [number, number, number] = [dims[0], dims[1] ?? 1, dims[2] ?? 1];
  const volumeCount = dims.slice(3).reduce((a, b) => a * b, 1);
  const volume = options.volume ?? 0;
  if (!Number.isInteger(volume) || volume < 0 || volume >= volumeCount) {
    dataError(
      who,
      `${path} has ${volumeCount} volume(s) (dims ${formatShape(dims)}), ` +
        `volume must be an integer in 0..${volumeCount - 1}, got ${volume}`,
    );
  }

  const type = datatypeByCode(raw.datatypeCode);
  if (type === undefined) {
    dataError(
      who,
      `${path} has datatype ${describeDatatypeCode(raw.datatypeCode)}, which is not supported ` +
        `(supported: ${supportedDatatypes.join(', ')})`,
    );
  }
  if (raw.numBitsPerVoxel !== type.bytes * 8) {
    dataError(
      who,
      `${path} has bitpix ${raw.numBitsPerVoxel}, expected ${type.bytes * 8} for ${type.name}`,
    );
  }

  const offset = Number(raw.vox_offset);
  const headerBytes = version === 1 ? 348 : 540;
  if (!Number.isInteger(offset) || offset < headerBytes) {
    dataError(who, `${path} has vox_offset ${offset}, expected an integer >= ${headerBytes}`);
  }
  const voxelsPerVolume = shape[0] * shape[1] * shape[2];
  const needed = offset + voxelsPerVolume * volumeCount * type.bytes;
  if (buffer.byteLength < needed) {
    dataError(
      who,
      `${path} is truncated: dims ${formatShape(dims)} of ${type.name} need ${needed} bytes ` +
        `from the start of the header, the ${bytes.isGzip ? 'decompressed ' : ''}file has ` +
        `${buffer.byteLength}`,
    );
  }

  const slope = raw.scl_slope;
  const inter = Number.isFinite(raw.scl_inter) ? raw.scl_inter : 0;
  const scaled = slope !== 0 && Number.isFinite(slope);
  const data = new Float32Array(voxelsPerVolume);
  const start = offset + volume * voxelsPerVolume * type.bytes;
  for (let i = 0; i < voxelsPerVolume; i++) {
    const stored = type.read(view, start + i * type.bytes, littleEndian);
    data[i] = scaled ? stored * slope + inter : stored;
  }

  const toMm = spatialUnitToMm(raw.xyzt_units);
  const spacing = [1, 2, 3].map((d) => {
    const p = Math.abs(raw.pixDims[d] ?? 0);
    return p > 0 && Number.isFinite(p) ? p * toMm : 1;
  }) as [number, number, number];

  return {
    header: {
      version,
      dims,
      spacing,
      datatype: type.name,
      sclSlope: slope,
      sclInter: raw.scl_inter,
      littleEndian,
    },
    data,
    shape,
    volume,
    volumeCount,
  };
}

interface FileBytes {
  data: Uint8Array;
  isGzip: boolean;
}

/** Reads the file and gunzips it when it starts with the gzip magic bytes 1f 8b. */
function readBytes(path: string): FileBytes {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') dataError(who, `${path} does not exist`);
    if (code === 'EISDIR')
      dataError(who, `${path} is a directory, expected a .nii or .nii.gz file`);
    dataError(who, `cannot read ${path} (${(error as Error).message})`);
  }
  if (file.length >= 2 && file[0] === 0x1f && file[1] === 0x8b) {
    try {
      return { data: gunzipSync(file), isGzip: true };
    } catch (error) {
      dataError(
        who,
        `${path} is a truncated or corrupt gzip file (zlib: ${(error as Error).message})`,
      );
    }
  }
  return { data: file, isGzip: false };
}

/** An `ArrayBuffer` holding exactly these bytes (Node may hand back a view into a larger pool). */
function exactArrayBuffer(bytes: FileBytes): ArrayBuffer {
  const { data } = bytes;
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  if (whole && data.buffer instanceof ArrayBuffer) return data.buffer;
  // Copy: a Buffer's slice() is a view of the shared pool, not a copy.
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return copy.buffer;
}

/**
 * Checks `sizeof_hdr` and the magic string, in both byte orders, and returns the version.
 * NIfTI-1 single files carry "n+1\0" at byte 344; NIfTI-2 carry "n+2\0" at byte 4.
 */
function detectVersion(path: string, view: DataView): 1 | 2 {
  const length = view.byteLength;
  const sizeofHdr =
    length >= 4 ? [view.getInt32(0, true), view.getInt32(0, false)] : [Number.NaN, Number.NaN];
  const claims1 = sizeofHdr.includes(348);
  const claims2 = sizeofHdr.includes(540);
  const headerBytes = claims2 ? 540 : 348;
  if ((claims1 || claims2) && length < headerBytes) {
    dataError(
      who,
      `${path} is truncated: the header needs ${headerBytes} bytes, file has ${length}`,
    );
  }
  if (length < 348) {
    dataError(
      who,
      `${path} is not a NIfTI-1 or NIfTI-2 file (${length} bytes, shorter than a 348-byte header)`,
    );
  }
  const magic1 = ascii(view, 344, 4);
  const magic2 = ascii(view, 4, 4);
  if (claims1 && magic1 === 'n+1\0') return 1;
  if (claims2 && magic2 === 'n+2\0') return 2;
  if ((claims1 && magic1 === 'ni1\0') || (claims2 && magic2 === 'ni2\0')) {
    dataError(
      who,
      `${path} is the header of a .hdr/.img pair, which is not supported (convert it to .nii)`,
    );
  }
  const shown = claims2 ? magic2 : magic1;
  dataError(who, `${path} is not a NIfTI-1 or NIfTI-2 file (bad magic ${JSON.stringify(shown)})`);
}

function ascii(view: DataView, offset: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(view.getUint8(offset + i));
  return out;
}

/** Factor from the spatial unit code of `xyzt_units` to millimetres (unknown is taken as mm). */
function spatialUnitToMm(xyztUnits: number): number {
  switch (xyztUnits & 7) {
    case 1:
      return 1000; // metre
    case 3:
      return 0.001; // micron
    default:
      return 1; // 2 = mm; 0 = unknown, which the standard's readers treat as mm
  }
}
