"""The parties inside the process: a complainant's (or respondent's) own way in to their case."""
