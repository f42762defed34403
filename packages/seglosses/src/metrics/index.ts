/** Segmentation metrics (DSC, IoU/mIoU, HD95, surface distances) on typed arrays. */
export {};
