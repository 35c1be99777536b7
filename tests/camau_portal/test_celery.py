"""The Celery app's routing (camau_portal.celery): each kind of task has a queue of its own."""

from django.conf import settings

from camau_portal.celery import app
from camau_portal.notifications.tasks import send_outbound_email
from reports.deadlines.tasks import scan_deadlines_task


def test_emails_and_photos_have_queues_of_their_own():
    def queue_of(name):
        return app.amqp.router.route({}, name)["queue"].name

    assert queue_of(send_outbound_email.name) == "email"
    assert queue_of("reports.intake.tasks.make_photo_thumbnail") == "images"
    assert queue_of(scan_deadlines_task.name) == "default"
    routing_keys = {queue.name: queue.routing_key for queue in settings.CELERY_TASK_QUEUES}
    assert routing_keys == {"default": "default", "email": "email", "images": "images"}
