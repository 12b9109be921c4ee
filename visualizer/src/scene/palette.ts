import { Color } from 'three';

/**
 * The scene's colours, made once. Instance colours are written from these as linear RGB
 * (three.js converts the sRGB hex values on construction), so the per-frame update copies
 * numbers and creates nothing.
 */
export const PALETTE = {
  background: new Color(0x1b1f27),
  floor: new Color(0x262b35),
  rails: new Color(0x8792a6),
  cell: {
    portPick: new Color(0x2fbf71),
    portPutaway: new Color(0x3fa7d6),
    portClosed: new Color(0x56605a),
    charger: new Color(0xf2c94c),
    blocked: new Color(0x0d0f13),
    service: new Color(0x9b6bd6),
    operatorBlocked: new Color(0xe04848),
  },
  bin: {
    dark: new Color(0x3d4656),
    light: new Color(0x6b7b94),
    selected: new Color(0xffd166),
  },
  port: {
    presented: new Color(0x7cf29c),
    queued: new Color(0xe8a33d),
    closed: new Color(0x8a8f98),
  },
  chargerMarker: new Color(0xf2c94c),
  robot: {
    normal: new Color(0x3d8bfd),
    paused: new Color(0xf0a020),
    error: new Color(0xff2a2a),
    errorPulse: new Color(0x6a0000),
    offline: new Color(0x6c717a),
    selected: new Color(0xe9f8ff),
  },
  gripper: new Color(0xc9d1dc),
  carriedBin: new Color(0xffb84d),
  selection: new Color(0xffffff),
} as const;
