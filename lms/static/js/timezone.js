// Tell the server the reader's time zone (core/middleware.py TimeZoneMiddleware), so the times it
// writes into pages, such as when the next quiz attempt is possible, are the reader's own.
(function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;
  var current = document.cookie.split("; ").find(function (part) { return part.indexOf("tz=") === 0; });
  var value = encodeURIComponent(zone);
  if (current !== "tz=" + value) {
    document.cookie = "tz=" + value + "; path=/; max-age=31536000; SameSite=Lax";
  }
})();
