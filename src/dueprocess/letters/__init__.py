"""Letters to the parties (rendered from the rulebook's templates, kept, sent by SMTP from an
outbox after commit), and the deadline engine that ``dueprocess tick`` runs."""
