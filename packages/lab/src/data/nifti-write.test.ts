import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { encodeNifti } from './nifti-write.js';

describe('encodeNifti writes the NIfTI-1 layout of nifti1.h', () => {
  const bytes = encodeNifti(
    {
      data: [1, -2, 3, -4, 5, -6],
      shape: [3, 2],
      spacing: [0.5, 0.75],
      datatype: 'int16',
      sclSlope: 2,
      sclInter: -1,
    },
    false,
  );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: { name: string; actual: () => unknown; expected: unknown }[] = [
    { name: 'length: 352 + 6 voxels × 2 bytes', actual: () => bytes.length, expected: 364 },
    { name: 'sizeof_hdr', actual: () => view.getInt32(0, true), expected: 348 },
    {
      name: 'dim[0..2]',
      actual: () => [0, 1, 2].map((d) => view.getInt16(40 + 2 * d, true)),
      expected: [2, 3, 2],
    },
    { name: 'datatype int16', actual: () => view.getInt16(70, true), expected: 4 },
    { name: 'bitpix', actual: () => view.getInt16(72, true), expected: 16 },
    {
      name: 'pixdim[1..3]',
      actual: () => [80, 84, 88].map((o) => view.getFloat32(o, true)),
      expected: [0.5, 0.75, 1],
    },
    { name: 'vox_offset', actual: () => view.getFloat32(108, true), expected: 352 },
    { name: 'scl_slope', actual: () => view.getFloat32(112, true), expected: 2 },
    { name: 'scl_inter', actual: () => view.getFloat32(116, true), expected: -1 },
    { name: 'xyzt_units mm', actual: () => bytes[123], expected: 2 },
    { name: 'magic', actual: () => [...bytes.subarray(344, 348)], expected: [0x6e, 0x2b, 0x31, 0] },
    { name: 'extension flag', actual: () => [...bytes.subarray(348, 352)], expected: [0, 0, 0, 0] },
    {
      name: 'voxels, stored unscaled',
      actual: () => [0, 1, 2, 3, 4, 5].map((i) => view.getInt16(352 + 2 * i, true)),
      expected: [1, -2, 3, -4, 5, -6],
    },
  ];
  for (const f of fields) test(f.name, () => assert.deepEqual(f.actual(), f.expected));

  test('gzip: true compresses the same bytes', () => {
    const gz = encodeNifti(
      {
        data: [1, -2, 3, -4, 5, -6],
        shape: [3, 2],
        spacing: [0.5, 0.75],
        datatype: 'int16',
        sclSlope: 2,
        sclInter: -1,
      },
      true,
    );
    assert.deepEqual([...gz.subarray(0, 2)], [0x1f, 0x8b]);
    assert.deepEqual(new Uint8Array(gunzipSync(gz)), bytes);
  });
});

describe('encodeNifti errors', () => {
  const cases: { name: string; run: () => unknown; message: string }[] = [
    {
      name: 'data length does not match the shape',
      run: () => encodeNifti({ data: [1, 2, 3], shape: [2, 2], datatype: 'uint8' }, false),
      message: 'writeNifti: data must hold 4 values for shape 2×2, got 3',
    },
    {
      name: 'non-integer for an integer type',
      run: () => encodeNifti({ data: [1, 2.5], shape: [2], datatype: 'int16' }, false),
      message: 'writeNifti: data[1] = 2.5 cannot be stored as int16 (range -32768..32767)',
    },
    {
      name: 'out of range for uint8',
      run: () => encodeNifti({ data: [256], shape: [1], datatype: 'uint8' }, false),
      message: 'writeNifti: data[0] = 256 cannot be stored as uint8 (range 0..255)',
    },
    {
      name: 'bad shape',
      run: () => encodeNifti({ data: [], shape: [0, 2], datatype: 'uint8' }, false),
      message: 'writeNifti: shape must be 1 to 7 positive integers, got [0, 2]',
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.throws(c.run, { name: 'DataError', message: c.message }));
  }
});
