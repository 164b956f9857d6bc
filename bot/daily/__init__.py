"""The daily push: a planner and a sender run by one sweep job, never one job per user."""
