/**
 * Session permission requests and checks (camera, notifications, clipboard read, geolocation, ...): the office UI
 * needs none, so every one is refused. Kept as a function so the decision is tested and visible in one place.
 */
export function isPermissionGranted(_permission: string): boolean {
  return false;
}
