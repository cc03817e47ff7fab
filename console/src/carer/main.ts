// The carer view: built by the carer-view work (issue 4).
