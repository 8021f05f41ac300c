// Turns each picker (core/picker.py; a select of the relevant choices with a search that submits
// the form) into alphagov's accessible autocomplete: suggestions are the select's choices that
// match, then what the picker's search endpoint finds. The select stays in the form, hidden, and
// holds the choice; the no-JavaScript search is taken away. Without JavaScript, or if anything
// here fails, the select and its search work as they are.
const pickers = document.querySelectorAll('[data-picker]:not([data-picker-ready])')
const SHORTEST_SEARCH = 2
const WAIT_MS = 200

function enhance (picker) {
  const select = picker.querySelector('select')
  const search = picker.querySelector('[data-picker-search]')
  const source = picker.dataset.pickerSource
  const known = new Map() // label → value, for every choice offered so far
  for (const option of select.options) {
    if (option.value) known.set(option.textContent.trim(), option.value)
  }
  const shown = [...known.keys()]
  let latest = ''
  let timer = null

  function suggest (query, populate) {
    const words = query.trim().toLowerCase()
    const local = shown.filter((label) => label.toLowerCase().includes(words))
    latest = query
    populate(local)
    window.clearTimeout(timer)
    if (!source || words.length < SHORTEST_SEARCH) return
    timer = window.setTimeout(async () => {
      try {
        const url = new URL(source, window.location.href)
        url.searchParams.set('q', query.trim())
        const response = await fetch(url, { headers: { Accept: 'application/json' } })
        if (!response.ok || query !== latest) return
        const { results } = await response.json()
        for (const { value, label } of results) known.set(label, String(value))
        const more = results.map((r) => r.label).filter((label) => !local.includes(label))
        if (more.length && query === latest) populate([...local, ...more])
      } catch (error) {
        // The shown choices are still offered; the search is tried again as they type.
      }
    }, WAIT_MS)
  }

  function choose (label) {
    if (label === undefined) return
    const value = known.get(label) || ''
    if (value && ![...select.options].some((o) => o.value === value)) {
      select.add(new Option(label, value))
    }
    select.value = value
    select.dispatchEvent(new Event('change', { bubbles: true }))
  }

  const error = select.classList.contains('nhsuk-select--error')
  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    source: suggest,
    defaultValue: '',
    showAllValues: true,
    autoselect: true,
    onConfirm: choose,
    inputClasses: error ? 'autocomplete__input--error' : '',
    tNoResults: () => 'No organisation found: try part of its name or its code'
  })
  // Emptying the box empties the answer.
  const input = picker.querySelector('input.autocomplete__input')
  if (input) {
    input.addEventListener('input', () => {
      if (!input.value.trim()) select.value = ''
    })
  }
  if (search) {
    search.hidden = true
    search.querySelectorAll('input, button').forEach((el) => { el.disabled = true })
  }
  picker.dataset.pickerReady = 'true'
}

if (pickers.length) {
  try {
    await import(pickers[0].dataset.pickerLibrary)
    pickers.forEach(enhance)
  } catch (error) {
    // Left as plain selects with their search: they work without JavaScript.
    console.warn('Pickers left as plain selects', error)
  }
}
