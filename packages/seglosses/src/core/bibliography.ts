/** The one bibliography every loss, metric and doc page cites from. */

export interface Reference {
  readonly authors: string;
  readonly year: number;
  readonly title: string;
  readonly venue: string;
}

export const bibliography = {
  azad2023: {
    authors: 'Azad, Heidary, Yilmaz, Hüttemann, Karimijafarbigloo, Wu, Schmeink, Merhof',
    year: 2023,
    title: 'Loss Functions in the Era of Semantic Segmentation: A Survey and Outlook',
    venue: 'arXiv:2312.05391',
  },
  long2015: {
    authors: 'Long, Shelhamer, Darrell',
    year: 2015,
    title: 'Fully Convolutional Networks for Semantic Segmentation',
    venue: 'CVPR',
  },
  ronneberger2015: {
    authors: 'Ronneberger, Fischer, Brox',
    year: 2015,
    title: 'U-Net: Convolutional Networks for Biomedical Image Segmentation',
    venue: 'MICCAI',
  },
  wu2016: {
    authors: 'Wu, Shen, van den Hengel',
    year: 2016,
    title: 'Bridging Category-level and Instance-level Semantic Image Segmentation',
    venue: 'arXiv:1605.06885',
  },
  lin2017: {
    authors: 'Lin, Goyal, Girshick, He, Dollár',
    year: 2017,
    title: 'Focal Loss for Dense Object Detection',
    venue: 'ICCV',
  },
  caliva2019: {
    authors: 'Calivá, Iriondo, Martinez, Majumdar, Pedoia',
    year: 2019,
    title: 'Distance Map Loss Penalty Term for Semantic Segmentation',
    venue: 'MIDL (extended abstract)',
  },
  milletari2016: {
    authors: 'Milletari, Navab, Ahmadi',
    year: 2016,
    title: 'V-Net: Fully Convolutional Neural Networks for Volumetric Medical Image Segmentation',
    venue: '3DV',
  },
  sudre2017: {
    authors: 'Sudre, Li, Vercauteren, Ourselin, Cardoso',
    year: 2017,
    title:
      'Generalised Dice Overlap as a Deep Learning Loss Function for Highly Unbalanced Segmentations',
    venue: 'DLMIA (MICCAI workshop)',
  },
  jadon2020: {
    authors: 'Jadon',
    year: 2020,
    title: 'A Survey of Loss Functions for Semantic Segmentation',
    venue: 'IEEE CIBCB',
  },
  fidon2017: {
    authors: 'Fidon, Li, Garcia-Peraza-Herrera, Ekanayake, Kitchen, Ourselin, Vercauteren',
    year: 2017,
    title:
      'Generalised Wasserstein Dice Score for Imbalanced Multi-class Segmentation using ' +
      'Holistic Convolutional Networks',
    venue: 'BrainLes (MICCAI workshop)',
  },
  tilborghs2020: {
    authors: 'Tilborghs, Dirks, Fidon, Willems, Eelbode, Bertels, et al.',
    year: 2020,
    title:
      'Comparative Study of Deep Learning Methods for the Automatic Segmentation of Lung, ' +
      'Lesion and Lesion Type in CT Scans of COVID-19 Patients',
    venue: 'arXiv:2007.15546',
  },
  rahman2016: {
    authors: 'Rahman, Wang',
    year: 2016,
    title: 'Optimizing Intersection-over-Union in Deep Neural Networks for Image Segmentation',
    venue: 'ISVC',
  },
  berman2018: {
    authors: 'Berman, Rannen Triki, Blaschko',
    year: 2018,
    title:
      'The Lovász-Softmax Loss: A Tractable Surrogate for the Optimization of the ' +
      'Intersection-over-Union Measure in Neural Networks',
    venue: 'CVPR',
  },
  salehi2017: {
    authors: 'Salehi, Erdogmus, Gholipour',
    year: 2017,
    title:
      'Tversky Loss Function for Image Segmentation Using 3D Fully Convolutional Deep Networks',
    venue: 'MLMI (MICCAI workshop)',
  },
  abraham2019: {
    authors: 'Abraham, Khan',
    year: 2019,
    title:
      'A Novel Focal Tversky Loss Function with Improved Attention U-Net for Lesion Segmentation',
    venue: 'ISBI',
  },
  brosch2015: {
    authors: 'Brosch, Yoo, Tang, Li, Traboulsee, Tam',
    year: 2015,
    title: 'Deep Convolutional Encoder Networks for Multiple Sclerosis Lesion Segmentation',
    venue: 'MICCAI',
  },
  zhao2019: {
    authors: 'Zhao, Wang, Cai, He',
    year: 2019,
    title: 'Region Mutual Information Loss for Semantic Segmentation',
    venue: 'NeurIPS',
  },
  gonzalez2023: {
    authors: 'Gonzalez-Jimenez, Lionetti, Gottfrois, Gröger, Pouly, Navarini',
    year: 2023,
    title: 'Robust T-Loss for Medical Image Segmentation',
    venue: 'MICCAI',
  },
  kervadec2019: {
    authors: 'Kervadec, Bouchtiba, Desrosiers, Granger, Dolz, Ben Ayed',
    year: 2019,
    title: 'Boundary Loss for Highly Unbalanced Segmentation',
    venue: 'MIDL',
  },
  karimi2019: {
    authors: 'Karimi, Salcudean',
    year: 2019,
    title:
      'Reducing the Hausdorff Distance in Medical Image Segmentation with Convolutional ' +
      'Neural Networks',
    venue: 'IEEE Transactions on Medical Imaging',
  },
  hayder2017: {
    authors: 'Hayder, He, Salzmann',
    year: 2017,
    title: 'Boundary-aware Instance Segmentation',
    venue: 'CVPR',
  },
  wang2022: {
    authors: 'Wang, Zhang, Cui, Ma, Hu, Chen',
    year: 2022,
    title: 'Active Boundary Loss for Semantic Segmentation',
    venue: 'AAAI',
  },
  borse2021: {
    authors: 'Borse, Wang, Zhang, Porikli',
    year: 2021,
    title: 'InverseForm: A Loss Function for Structured Boundary-Aware Segmentation',
    venue: 'CVPR',
  },
  wu2023: {
    authors: 'Wu, Guo, Li, Yu, Gao, Sang',
    year: 2023,
    title: 'Conditional Boundary Loss for Semantic Segmentation',
    venue: 'IEEE Transactions on Image Processing',
  },
  sun2023: {
    authors: 'Sun, Luo, Li',
    year: 2023,
    title: 'Boundary Difference over Union Loss for Medical Image Segmentation',
    venue: 'MICCAI',
  },
  valverde2023: {
    authors: 'Valverde, Tohka',
    year: 2023,
    title: 'Region-wise Loss for Biomedical Image Segmentation',
    venue: 'Pattern Recognition',
  },
  taghanaki2019: {
    authors: 'Taghanaki, Zheng, Zhou, Georgescu, Sharma, Xu, Comaniciu, Hamarneh',
    year: 2019,
    title: 'Combo Loss: Handling Input and Output Imbalance in Multi-organ Segmentation',
    venue: 'Computerized Medical Imaging and Graphics',
  },
  wong2018: {
    authors: 'Wong, Moradi, Tang, Syeda-Mahmood',
    year: 2018,
    title: '3D Segmentation with Exponential Logarithmic Loss for Highly Unbalanced Object Sizes',
    venue: 'MICCAI',
  },
  yeung2022: {
    authors: 'Yeung, Sala, Schönlieb, Rundo',
    year: 2022,
    title:
      'Unified Focal Loss: Generalising Dice and Cross Entropy-based Losses to Handle Class ' +
      'Imbalanced Medical Image Segmentation',
    venue: 'Computerized Medical Imaging and Graphics',
  },
  shit2021: {
    authors: 'Shit, Paetzold, Sekuboyina, Ezhov, Unger, Zhylka, Pluim, Bauer, Menze',
    year: 2021,
    title: 'clDice – a Novel Topology-Preserving Loss Function for Tubular Structure Segmentation',
    venue: 'CVPR',
  },
  felzenszwalb2012: {
    authors: 'Felzenszwalb, Huttenlocher',
    year: 2012,
    title: 'Distance Transforms of Sampled Functions',
    venue: 'Theory of Computing',
  },
  loshchilov2019: {
    authors: 'Loshchilov, Hutter',
    year: 2019,
    title: 'Decoupled Weight Decay Regularization',
    venue: 'ICLR',
  },
  smith2019: {
    authors: 'Smith, Topin',
    year: 2019,
    title: 'Super-Convergence: Very Fast Training of Neural Networks Using Large Learning Rates',
    venue: 'SPIE Artificial Intelligence and Machine Learning for Multi-Domain Operations',
  },
} as const satisfies Record<string, Reference>;

export type BibKey = keyof typeof bibliography;

/** `Authors (year). Title. Venue.` */
export function cite(key: BibKey): string {
  const r: Reference = bibliography[key];
  return `${r.authors} (${r.year}). ${r.title}. ${r.venue}.`;
}
