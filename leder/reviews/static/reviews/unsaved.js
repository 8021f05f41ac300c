// Warn before leaving a review page with answers typed but not saved.
//
// Progressive enhancement: forms marked `data-unsaved-warning` are watched; once something in
// one changes, leaving the page (a link, closing the tab, going back) asks the browser to
// confirm. Submitting the form clears the warning. Without JavaScript the section page still
// says when it was last saved.

const forms = document.querySelectorAll('form[data-unsaved-warning]')
let changed = false

function onBeforeUnload (event) {
  if (!changed) return
  event.preventDefault()
  // Older browsers need returnValue set to show their (fixed) message.
  event.returnValue = ''
}

forms.forEach((form) => {
  const markChanged = () => {
    if (!changed) {
      changed = true
      document.documentElement.dataset.unsavedChanges = 'true'
    }
  }
  form.addEventListener('input', markChanged)
  form.addEventListener('change', markChanged)
  form.addEventListener('submit', () => {
    changed = false
    delete document.documentElement.dataset.unsavedChanges
  })
})

if (forms.length) {
  window.addEventListener('beforeunload', onBeforeUnload)
}
