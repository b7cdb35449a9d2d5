// The WebXR emulator of tests/browser/test_xr.py: Meta's Immersive Web Emulation Runtime (npm `iwer`) as a Meta Quest 3
// with both eyes drawn (stereo) and its two Touch controllers, installed as navigator.xr before the page's own
// scripts run (Playwright's context.add_init_script). build_emulator.mjs bundles it into one IIFE at test time.
// The test drives it through window.__vtourXR: the device (its position, quaternion, controllers' poses and
// buttons), as iwer's README describes.
import { XRDevice, metaQuest3 } from "iwer";

const device = new XRDevice(metaQuest3, { stereoEnabled: true });
device.installRuntime({ forceInstall: true });  // over Chromium's own navigator.xr (headless: no headset)
window.__vtourXR = { device };
