// Keeps a progress page current without reloading it: every few seconds, fetch the page again
// and swap the region marked data-progress-region; when the work is done the page redirects
// elsewhere, and so does this one. The Refresh link does the same by hand without JavaScript.
const region = document.querySelector('[data-progress-region]')
const INTERVAL_MS = 4000

async function poll () {
  try {
    const response = await fetch(window.location.href, { headers: { Accept: 'text/html' } })
    if (response.redirected || new URL(response.url).pathname !== window.location.pathname) {
      window.location.assign(response.url)
      return
    }
    if (response.ok) {
      const page = new DOMParser().parseFromString(await response.text(), 'text/html')
      const fresh = page.querySelector('[data-progress-region]')
      if (fresh && region) {
        region.innerHTML = fresh.innerHTML
      } else if (!fresh) {
        window.location.reload()
        return
      }
    }
  } catch (error) {
    // Offline for a moment: try again at the next tick.
  }
  window.setTimeout(poll, INTERVAL_MS)
}

if (region) {
  window.setTimeout(poll, INTERVAL_MS)
}
