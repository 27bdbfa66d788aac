"""A team's Celery app, as a team writes it: its own name, settings and tasks. It knows nothing of celery-chaos:
the harness adds its probe tasks with `--include celery_chaos_probe`. The broker comes from CELERY_BROKER_URL, as
Celery reads it by default."""
from celery import Celery

app = Celery("teamapp", include=["teamapp.tasks"])
# The team's delivery settings: a task is acknowledged once it has run, one message reserved per slot. They apply
# to every task the worker runs, probe.record included: a killed worker's tasks are redelivered.
app.conf.task_acks_late = True
app.conf.worker_prefetch_multiplier = 1
