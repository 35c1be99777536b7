"""Open311 GeoReport v2 at /open311/v2/: services, service requests and the FixMyStreet
``servicerequestupdates`` extension, in XML and JSON.

Conventions of the specification kept here: list roots are arrays (``<services>`` holding
``<service>`` elements in XML), ids are strings (our public tracking codes), datetimes are W3C
with a zone and no fractions, and errors are an ``errors`` array of ``{code, description}``.
"""
