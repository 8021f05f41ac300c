from django import forms


class RetryForm(forms.Form):
    """Which failed job to queue again (the operations page has one button per job)."""

    task = forms.CharField(max_length=64, widget=forms.HiddenInput)
