// Pairing by camera: the phone's camera reads the provisioning page's QR code (jsQR decodes the
// frames; the browsers' own BarcodeDetector is missing from most desktop and iOS browsers).
// The stream is stopped as soon as a code is read or the scan is stopped.
import jsQR from 'jsqr';

/** How often a frame is looked at: often enough to feel instant, rarely enough for a cheap phone. */
const FRAME_EVERY_MS = 200;

export const cameraAvailable = (): boolean => Boolean(navigator.mediaDevices?.getUserMedia);

/** Resolves with the text of the first QR code seen; rejects when stopped or refused. */
export async function scanQrCode(video: HTMLVideoElement, signal: AbortSignal): Promise<string> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  try {
    video.srcObject = stream;
    await video.play();
    while (!signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, FRAME_EVERY_MS));
      if (!video.videoWidth || !video.videoHeight) continue;
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const frame = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' });
      if (code?.data) return code.data;
    }
    throw new Error('scan stopped');
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}
