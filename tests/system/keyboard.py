"""Driving a page with the keyboard alone, as someone who cannot use a mouse would."""

MAX_TABS = 80


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching `selector` has focus (fails if it never does: the
    element cannot be reached by keyboard)."""
    target = page.locator(selector).first
    target.wait_for(state="attached")
    for _ in range(MAX_TABS):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def fill(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose(page, name: str, value: str) -> None:
    """Select a radio: Tab to the group, Space to check, arrow keys to move to `value`."""
    tab_to(page, f"input[type=radio][name='{name}']")
    page.keyboard.press("Space")
    count = page.locator(f"input[type=radio][name='{name}']").count()
    for _ in range(count):
        if page.locator(f"input[name='{name}']:checked").get_attribute("value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"No radio {name}={value}")


def select_option(page, selector: str, label_start: str) -> None:
    """Choose an option of a <select> by typing the start of its text, as keyboard users do."""
    tab_to(page, selector)
    page.keyboard.type(label_start)
    chosen = page.eval_on_selector(selector, "s => s.options[s.selectedIndex].text")
    assert chosen.startswith(label_start), chosen


def pick(page, field_id: str, typed: str, option_start: str = "") -> str:
    """Choose from an organisation picker (the accessible autocomplete) by keyboard: Tab to it,
    type `typed` (nothing: Down arrow opens every shown choice), Down arrow to the suggestion
    starting `option_start` (default: the first), Enter. Returns the value the form will send
    (that of the hidden select the autocomplete stands for)."""
    tab_to(page, f"#{field_id}")
    page.keyboard.press("Control+A")
    if typed:
        page.keyboard.type(typed)
    else:
        page.keyboard.press("ArrowDown")
    listbox = page.locator(f"#{field_id}__listbox")
    listbox.locator("li.autocomplete__option", has_text=option_start).first.wait_for()
    for _ in range(listbox.locator("li.autocomplete__option").count()):
        current = listbox.locator("li.autocomplete__option--focused").inner_text()
        if current.startswith(option_start):
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError(f"No suggestion starts {option_start!r}")
    page.keyboard.press("Enter")
    value = page.eval_on_selector(f"#{field_id}-select", "s => s.value")
    assert value, f"nothing chosen in {field_id}"
    return value


def press_button(page, text: str) -> None:
    tab_to(page, f"button:has-text('{text}'), input[type=submit][value='{text}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
