/** Geometry on typed arrays: exact distance transforms, boundaries. */
export {};
