"""WhatsApp messages: the manager's number and choices, the templates, the incoming webhook.

Sending itself is the outbox's (``exchange.mail``): a WhatsApp message is an outbox row of
channel ``whatsapp``, claimed, sent and marked like an e-mail.
"""
