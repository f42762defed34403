/**
 * The forward convolution that a backprop kernel differentiates, rebuilt from the kernel's
 * attributes, and the checks both backprop kernels share.
 *
 * Both `Conv2DBackpropInput` and `Conv2DBackpropFilter` are defined relative to a forward
 * convolution y = conv2d(x, W) with x: [B, H, W, C], W: [fh, fw, C, O], y: [B, Ho, Wo, O]. Its
 * geometry (strides, the top/left padding that `'same'`, `'valid'`, a number or an explicit
 * padding resolve to, Ho and Wo) comes from `tf.backend_util.computeConv2DInfo`, exactly as the
 * forward kernels compute it, so the two directions cannot disagree on where the padding goes.
 */
import * as tf from '@tensorflow/tfjs';

type Shape4D = [number, number, number, number];

/** The attributes common to both backprop kernels (`Conv2DBackprop{Input,Filter}Attrs`). */
export interface BackpropConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** Not an attribute of tfjs' backprop kernels; rejected as not supported when above 1. */
  dilations?: [number, number] | number;
}

function describeShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Throws unless `info` is a defined rank-4 float32 tensor. */
export function expectFloat4D(
  who: string,
  name: string,
  info: tf.TensorInfo | undefined,
): tf.TensorInfo {
  if (info === undefined) throw new Error(`${who}: input ${name} must be given, got none`);
  if (info.shape.length !== 4 || info.dtype !== 'float32') {
    throw new Error(
      `${who}: ${name} must be float32 of rank 4, got ${info.dtype} ${describeShape(info.shape)}`,
    );
  }
  return info;
}

/**
 * The forward convolution's geometry; throws "not supported" for NCHW and for dilations above 1
 * (tfjs only differentiates convolutions with dilation 1 and passes the kernels no dilation).
 */
export function backpropConvInfo(
  who: string,
  inputShape: readonly number[],
  filterShape: readonly number[],
  outputShape: readonly number[],
  attrs: BackpropConvAttrs,
): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat !== 'NHWC') {
    throw new Error(
      `${who}: dataFormat must be 'NHWC' (NCHW is not supported), got '${attrs.dataFormat}'`,
    );
  }
  const dilations = [attrs.dilations ?? 1].flat();
  if (dilations.some((d) => d !== 1)) {
    throw new Error(
      `${who}: dilations must be 1 (dilated gradients are not supported), got ${dilations}`,
    );
  }
  if (inputShape.length !== 4 || filterShape.length !== 4) {
    throw new Error(
      `${who}: input and filter shapes must have rank 4, got ` +
        `${describeShape(inputShape)} and ${describeShape(filterShape)}`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as Shape4D,
    filterShape as Shape4D,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  if (info.outShape.some((size, axis) => size !== outputShape[axis])) {
    throw new Error(
      `${who}: dy must have the forward output shape ${describeShape(info.outShape)}, got ` +
        describeShape(outputShape),
    );
  }
  return info;
}

/**
 * Whether the convolution tiles its input with disjoint filter-sized blocks: filter size equal
 * to stride, no top/left padding and an input that is exactly Ho·sh × Wo·sw. Then each input
 * pixel meets exactly one filter tap and both gradients are one matrix product.
 */
export function isBlockConvolution(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === info.strideHeight &&
    info.filterWidth === info.strideWidth &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.inHeight === info.outHeight * info.strideHeight &&
    info.inWidth === info.outWidth * info.strideWidth
  );
}

/**
 * A `pad` attribute for the `Conv2D` kernel: `'valid'` when every amount is 0, the explicit
 * NHWC padding otherwise. Amounts must be ≥ 0.
 */
export function explicitPad(
  top: number,
  bottom: number,
  left: number,
  right: number,
): 'valid' | tf.backend_util.ExplicitPadding {
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return 'valid';
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}
