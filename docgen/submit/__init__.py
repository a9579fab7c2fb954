"""What goes to Ozon (`submit/`): the channels table, ticket.txt and email.eml, and the
rules everything under `submit/` must keep (`docgen check-submit`)."""
