/**
 * Skin regions with epidermis and dermis thickness from histology (a plan's `region` sets the
 * dermis limit used for the "peak depth beyond the dermis" safety warning).
 *
 * Values are histology (fixed, sectioned tissue), never ultrasound: ultrasound reads the epidermis several
 * times thicker (Meng 2022), so the two must not be mixed. Histology of excised tissue also shrinks, so
 * these values are, if anything, slightly thin — the conservative side for a depth warning.
 *
 * Where a number is marked "estimate" the per-site value was not available in a verified source and was
 * placed inside the range the cited study measured; replace it when the per-subunit table is at hand.
 * Chopra 2015's anchors (verified from its abstract): dermis 758.9 µm (upper medial eyelid, thinnest) to
 * 1,969.2 µm (lower nasal sidewall, thickest); epidermis 29.6 µm (posterior auricular) to 62.6 µm (upper lip).
 */

/** Thickness of the skin layers at one region, µm. */
export interface RegionSkin {
  /** Epidermis thickness, µm (histology). */
  readonly epidermisUm: number;
  /** Dermis thickness, µm (histology); epidermis + dermis is the depth at which subcutis begins. */
  readonly dermisUm: number;
  /** Where the numbers come from (author year, journal vol:page), and which are estimates. */
  readonly source: string;
}

const CHOPRA =
  "Chopra et al. 2015, Aesthet Surg J 35(8):1007–1013 (10 cadaver heads, 39 subunits, histology)";
const CHOPRA_RANGE = `${CHOPRA}: facial dermis 758.9–1,969.2 µm, epidermis 29.6–62.6 µm`;
const LEE_HWANG = "Lee & Hwang 2002, Surg Radiol Anat 24:183–189 (452 biopsies, 28 body regions, histology)";

/**
 * Skin regions, keyed by the name a plan's `region` field uses. Thicknesses in µm.
 * Face: Chopra 2015 anchors (verified) and estimates inside Chopra's measured range; body: Lee & Hwang 2002
 * and Oltulu 2018 histology.
 */
export const REGIONS = {
  eyelid: {
    epidermisUm: 40,
    dermisUm: 758.9,
    source:
      `dermis: ${CHOPRA} — upper medial eyelid, the thinnest dermis of the face (measured). ` +
      `epidermis: estimate — eyelid is in the 31–71 µm group of ${LEE_HWANG}, and above Chopra's 29.6 µm minimum.`,
  },
  forehead: {
    epidermisUm: 45,
    dermisUm: 1200,
    source:
      `estimate inside ${CHOPRA_RANGE}. Ha et al. 2005, Plast Reconstr Surg 115:1769 (cadaver histology): ` +
      "brow/forehead total skin 2.8× the upper eyelid; with an eyelid of ~0.5–0.8 mm that is ~1.4–2.2 mm total; " +
      "1,200 µm dermis taken at the thin end (conservative for the dermis warning).",
  },
  cheek: {
    epidermisUm: 45,
    dermisUm: 1100,
    source:
      `estimate inside ${CHOPRA_RANGE}; Chopra's per-subunit table was not available. Mid-face cheek placed ` +
      "below the nasal/perioral values; dermis ultrasound at the zygoma, 0.87–1.14 mm (BMC Med Imaging 2022;22:113, " +
      "doi 10.1186/s12880-022-00839-w), agrees for the dermis (its epidermis is not used).",
  },
  nose: {
    epidermisUm: 45,
    dermisUm: 1000,
    source:
      `estimate for the nasal dorsum inside ${CHOPRA_RANGE}. Ha et al. 2005, Plast Reconstr Surg 115:1769: ` +
      "the dorsum is thinner than the tip (tip 3.3× the upper eyelid); dorsum dermis by ultrasound 0.93–1.03 mm " +
      "(doi 10.1186/s12880-022-00839-w). For the thick lower sidewall and ala use `nasal-sidewall`.",
  },
  "nasal-sidewall": {
    epidermisUm: 50,
    dermisUm: 1969.2,
    source:
      `dermis: ${CHOPRA} — lower nasal sidewall, the thickest dermis of the face (measured). ` +
      "epidermis: estimate inside Chopra's 29.6–62.6 µm range.",
  },
  "upper-lip": {
    epidermisUm: 62.6,
    dermisUm: 1300,
    source:
      `epidermis: ${CHOPRA} — upper lip, the thickest epidermis of the face (measured). ` +
      "dermis: estimate inside Chopra's range; a second histology series (six facial regions incl. lip, " +
      "Selcuk Med J) found dermis 1,150–1,498 µm across regions in women and the thickest epidermis at the upper lip.",
  },
  perioral: {
    epidermisUm: 55,
    dermisUm: 1200,
    source:
      `estimate inside ${CHOPRA_RANGE}: perioral skin (lower lip, oral commissure) between the upper lip and ` +
      "the cheek; epidermis below Chopra's upper-lip maximum of 62.6 µm.",
  },
  chin: {
    epidermisUm: 50,
    dermisUm: 1300,
    source:
      `estimate inside ${CHOPRA_RANGE}; chin is among the thicker sites in Ha et al. 2005, ` +
      "Plast Reconstr Surg 115:1769 (cadaver histology, relative thickness index).",
  },
  neck: {
    epidermisUm: 50,
    dermisUm: 1318,
    source:
      `dermis: ${LEE_HWANG} — anterior neck is in the 1,318–1,586 µm group (with chest and buttock); the ` +
      "per-site value is not in the abstract, the lower bound is used (conservative). epidermis: estimate — " +
      "supraclavicular skin is in the 31–71 µm group of the same study.",
  },
  chest: {
    epidermisUm: 70,
    dermisUm: 1318,
    source:
      `dermis: ${LEE_HWANG} — chest is in the 1,318–1,586 µm group; lower bound used (conservative). ` +
      "epidermis: estimate — Oltulu et al. 2018, Turk J Plast Surg 26:56–61 (histology): breast, women, " +
      "76.9 µm, rounded down because that series runs thick (breast dermis 5,888 µm in men).",
  },
  hand: {
    epidermisUm: 138,
    dermisUm: 1000,
    source:
      `epidermis: ${LEE_HWANG} — dorsum of the hand is in the 138–189 µm group; lower bound used. ` +
      "dermis: estimate — Oltulu et al. 2018, Turk J Plast Surg 26:56–61 report 2,115 µm (dorsum of hand, " +
      "women, their thinnest site) but their values run 1.5–3× other histology series; Lee & Hwang's total " +
      "skin range is 521–1,977 µm. 1,000 µm is a conservative estimate for the dorsal hand.",
  },
} as const satisfies Record<string, RegionSkin>;

/** Name of a skin region in {@link REGIONS}. */
export type RegionName = keyof typeof REGIONS;

/** Names of all skin regions, in table order. */
export function regionNames(): string[] {
  return Object.keys(REGIONS);
}

/** Whether `name` is a region of {@link REGIONS}. */
export function isRegionName(name: string): name is RegionName {
  return Object.hasOwn(REGIONS, name);
}
