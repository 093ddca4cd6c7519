"""Incidents: the stored figures grouped into events, with journalists' reviews applied.

`grouping` decides which reports are one incident and counts each once; `reviews` holds the rules
of the append-only review history (which figure a review belongs to, the current value, the review
queue); `reviewing` records review actions; `aggregate` recomputes and stores the incidents and
answers the command line (``python -m core.incidents.aggregate``); `reviewed` runs the page
queries on reviewed figure values.
`corroboration` says who counted an incident's victims (origins), who carried the counts (relays)
and whether independent origins agree; `settings` reads its tolerance and publication rule.

May import: `core.storage`, `core.extraction`.
"""
