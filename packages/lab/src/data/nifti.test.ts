import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readNifti } from './nifti.js';
import type { NiftiDatatype } from './nifti-datatype.js';
import { encodeNifti, writeNifti } from './nifti-write.js';
import { useTempDir } from './test-support/temp-dir.js';

const dir = useTempDir('nifti');

interface RoundTrip {
  name: string;
  file: string;
  datatype: NiftiDatatype;
  shape: number[];
  stored: number[];
  sclSlope?: number;
  sclInter?: number;
  littleEndian?: boolean;
  volume?: number;
  /** Expected data: the stored values of the chosen volume, times slope plus intercept. */
  expected: number[];
  expectedShape: [number, number, number];
}

// Stored values 0..11 of a 3×2×2 volume (x fastest); expectations computed by hand.
const ramp = Array.from({ length: 12 }, (_, i) => i);
const cases: RoundTrip[] = [
  {
    name: 'uint8, plain .nii, no scaling',
    file: 'u8.nii',
    datatype: 'uint8',
    shape: [3, 2, 2],
    stored: ramp,
    expected: ramp,
    expectedShape: [3, 2, 2],
  },
  {
    name: 'int16, gzipped, slope 2 and intercept -1',
    file: 'i16.nii.gz',
    datatype: 'int16',
    shape: [3, 2, 2],
    stored: ramp.map((v) => v - 6),
    sclSlope: 2,
    sclInter: -1,
    expected: ramp.map((v) => 2 * (v - 6) - 1),
    expectedShape: [3, 2, 2],
  },
  {
    name: 'float32, gzipped, slope 0 means no scaling even with an intercept',
    file: 'f32.nii.gz',
    datatype: 'float32',
    shape: [3, 2, 2],
    stored: ramp.map((v) => v / 4),
    sclSlope: 0,
    sclInter: 100,
    expected: ramp.map((v) => v / 4),
    expectedShape: [3, 2, 2],
  },
  {
    name: 'int16 big-endian',
    file: 'i16be.nii',
    datatype: 'int16',
    shape: [3, 2, 2],
    stored: ramp.map((v) => v * 1000 - 3000),
    littleEndian: false,
    expected: ramp.map((v) => v * 1000 - 3000),
    expectedShape: [3, 2, 2],
  },
  {
    name: '4D, default volume 0',
    file: 'four-d.nii.gz',
    datatype: 'uint8',
    shape: [3, 2, 1, 2],
    stored: ramp,
    expected: ramp.slice(0, 6),
    expectedShape: [3, 2, 1],
  },
  {
    name: '4D, volume 1, scaled',
    file: 'four-d-scaled.nii',
    datatype: 'uint8',
    shape: [3, 2, 1, 2],
    stored: ramp,
    sclSlope: 0.5,
    volume: 1,
    expected: ramp.slice(6).map((v) => v * 0.5),
    expectedShape: [3, 2, 1],
  },
  {
    name: '2D gets a trailing size of 1',
    file: 'two-d.nii',
    datatype: 'float32',
    shape: [4, 3],
    stored: ramp,
    expected: ramp,
    expectedShape: [4, 3, 1],
  },
];

describe('readNifti reads what writeNifti wrote', () => {
  for (const c of cases) {
    test(c.name, () => {
      const path = join(dir, c.file);
      writeNifti(path, {
        data: c.stored,
        shape: c.shape,
        spacing: [0.5, 2, 3],
        datatype: c.datatype,
        sclSlope: c.sclSlope,
        sclInter: c.sclInter,
        littleEndian: c.littleEndian,
      });
      const gzipped = readFileSync(path)
        .subarray(0, 2)
        .equals(Buffer.from([0x1f, 0x8b]));
      assert.equal(gzipped, c.file.endsWith('.gz'), 'gzip follows the extension');
      const volume = readNifti(path, { volume: c.volume });
      assert.deepEqual([...volume.data], c.expected);
      assert.deepEqual(volume.shape, c.expectedShape);
      assert.deepEqual(volume.header.dims, c.shape);
      assert.deepEqual(volume.header.spacing, [0.5, 2, 3]);
      assert.equal(volume.header.datatype, c.datatype);
      assert.equal(volume.header.version, 1);
      assert.equal(volume.header.littleEndian, c.littleEndian ?? true);
      assert.equal(volume.header.sclSlope, c.sclSlope ?? 1);
      assert.equal(volume.volume, c.volume ?? 0);
    });
  }
});

test('spacing in metres (xyzt_units = 1) is converted to millimetres', () => {
  const bytes = encodeNifti(
    { data: [1, 2], shape: [2, 1, 1], spacing: [0.001, 0.002, 0.0025], datatype: 'uint8' },
    false,
  );
  bytes[123] = 1; // NIFTI_UNITS_METER
  const path = join(dir, 'metres.nii');
  writeFileSync(path, bytes);
  const spacing = readNifti(path).header.spacing;
  // float32 storage of 0.001 etc. is inexact; compare to 1e-6 mm.
  [1, 2, 2.5].forEach((mm, i) => assert.ok(Math.abs(spacing[i] - mm) < 1e-6, `axis ${i}`));
});

test('reads a NIfTI-2 file (540-byte header built by hand from the standard)', () => {
  const voxOffset = 544;
  const bytes = new Uint8Array(voxOffset + 6 * 2);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, 540, true); // sizeof_hdr
  bytes.set([0x6e, 0x2b, 0x32, 0x00, 0x0d, 0x0a, 0x1a, 0x0a], 4); // magic "n+2\0\r\n\032\n"
  view.setInt16(12, 4, true); // datatype int16
  view.setInt16(14, 16, true); // bitpix
  [3, 3, 2, 1, 1, 1, 1, 1].forEach((d, i) => view.setBigInt64(16 + 8 * i, BigInt(d), true));
  [1, 0.8, 0.8, 2.5, 1, 1, 1, 1].forEach((p, i) => view.setFloat64(104 + 8 * i, p, true));
  view.setBigInt64(168, BigInt(voxOffset), true); // vox_offset
  view.setFloat64(176, 10, true); // scl_slope
  view.setFloat64(184, 5, true); // scl_inter
  view.setInt32(500, 2, true); // xyzt_units: mm
  [-3, -2, -1, 0, 1, 2].forEach((v, i) => view.setInt16(voxOffset + 2 * i, v, true));
  const path = join(dir, 'two.nii.gz');
  writeFileSync(path, gzipSync(bytes));
  const volume = readNifti(path);
  assert.equal(volume.header.version, 2);
  assert.deepEqual(volume.shape, [3, 2, 1]);
  assert.deepEqual(volume.header.spacing, [0.8, 0.8, 2.5]);
  // 10 · stored + 5, by hand:
  assert.deepEqual([...volume.data], [-25, -15, -5, 5, 15, 25]);
});

describe('readNifti errors', () => {
  const good = encodeNifti({ data: ramp, shape: [3, 2, 2], datatype: 'int16' }, false);
  const write = (name: string, bytes: Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const cases: { name: string; path: () => string; volume?: number; message: RegExp }[] = [
    {
      name: 'missing file',
      path: () => join(dir, 'nope.nii.gz'),
      message: /^nifti: .*nope\.nii\.gz does not exist$/,
    },
    {
      name: 'a directory',
      path: () => dir,
      message: /^nifti: .* is a directory, expected a \.nii or \.nii\.gz file$/,
    },
    {
      name: 'not NIfTI: text with a wrong magic',
      path: () => write('text.nii', new TextEncoder().encode('abcd'.repeat(100))),
      message: /^nifti: .*text\.nii is not a NIfTI-1 or NIfTI-2 file \(bad magic "abcd"\)$/,
    },
    {
      name: 'not NIfTI: too short for a header',
      path: () => write('short.nii', new Uint8Array(10)),
      message: /short\.nii is not a NIfTI-1 or NIfTI-2 file \(10 bytes, shorter than a 348/,
    },
    {
      name: 'truncated header',
      path: () => write('cut-header.nii', good.slice(0, 200)),
      message: /cut-header\.nii is truncated: the header needs 348 bytes, file has 200$/,
    },
    {
      name: 'truncated voxel data (plain)',
      // 12 int16 voxels from byte 352 need 376 bytes; 370 are left.
      path: () => write('cut-data.nii', good.slice(0, 370)),
      message: /cut-data\.nii is truncated: dims 3×2×2 of int16 need 376 bytes .* file has 370$/,
    },
    {
      name: 'truncated gzip stream',
      path: () => {
        const gz = encodeNifti({ data: ramp, shape: [3, 2, 2], datatype: 'int16' }, true);
        return write('cut.nii.gz', gz.slice(0, gz.length - 12));
      },
      message: /cut\.nii\.gz is a truncated or corrupt gzip file \(zlib: unexpected end of file\)/,
    },
    {
      name: 'unsupported datatype (rgb24)',
      path: () => {
        const bytes = good.slice();
        new DataView(bytes.buffer).setInt16(70, 128, true);
        new DataView(bytes.buffer).setInt16(72, 24, true);
        return write('rgb.nii', bytes);
      },
      message:
        /rgb\.nii has datatype rgb24 \(code 128\), which is not supported \(supported: uint8/,
    },
    {
      name: 'bitpix that contradicts the datatype',
      path: () => {
        const bytes = good.slice();
        new DataView(bytes.buffer).setInt16(72, 8, true);
        return write('bitpix.nii', bytes);
      },
      message: /bitpix\.nii has bitpix 8, expected 16 for int16$/,
    },
    {
      name: '.hdr/.img pair header',
      path: () => {
        const bytes = good.slice();
        bytes.set([0x6e, 0x69, 0x31, 0x00], 344); // "ni1\0"
        return write('pair.hdr', bytes);
      },
      message: /pair\.hdr is the header of a \.hdr\/\.img pair, which is not supported/,
    },
    {
      name: 'volume out of range',
      path: () => write('vol.nii', good),
      volume: 1,
      message:
        /vol\.nii has 1 volume\(s\) \(dims 3×2×2\), volume must be an integer in 0\.\.0, got 1$/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(() => readNifti(c.path(), { volume: c.volume }), {
        name: 'DataError',
        message: c.message,
      });
    });
  }
});
