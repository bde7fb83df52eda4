/** Model and experiment monitoring statistics (issue 13): pure functions, no I/O, no clock. */
export { CALIBRATION_BINS, CalibrationAccumulator, calibration, calibrationBin } from './calibration';
export type { CalibrationReport, CalibrationSums, ReliabilityBin } from './calibration';
export { PSI_BINS, PSI_EPSILON, categoricalProfile, numericProfile, psiAgainst, psiBand, psiCategorical, psiNumeric, referenceEdges } from './psi';
export type { PsiBand, PsiBin, PsiResult, ReferenceProfile } from './psi';
export { SRM_DEFAULTS, sampleRatioMismatch } from './srm';
export type { SrmOptions, SrmResult } from './srm';
export { chiSquaredSurvival, logGamma, regularizedGammaQ } from './gamma';
export { UPLIFT_DEFAULTS, Z_95, expectedLoss, expectedLossFromPosteriors, uplift } from './uplift';
export type { BetaPosterior, ExpectedLossResult, GroupSummary, UpliftOptions, UpliftResult, UpliftVerdict } from './uplift';
