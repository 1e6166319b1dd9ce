// Photos are shrunk on the phone before they are stored or sent: a 12-megapixel camera shot
// becomes a JPEG of a few hundred KB, which matters on a weak mobile connection.
const LONG_SIDE_PX = 1600;
const QUALITY = 0.8;

async function decode(file) {
  try {
    return await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    const url = URL.createObjectURL(file);
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      return img;
    } finally {
      URL.revokeObjectURL(url);
    }
  }
}

export async function compressPhoto(file) {
  const image = await decode(file);
  const width = image.width;
  const height = image.height;
  const scale = Math.min(1, LONG_SIDE_PX / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
  image.close?.();
  // Re-encoding also drops EXIF (the server strips it again for those who may not see it).
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("encode"))), "image/jpeg", QUALITY),
  );
}
