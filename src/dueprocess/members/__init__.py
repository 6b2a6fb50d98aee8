"""The membership register: who is a member, so triage can answer "is the respondent a member?"."""
