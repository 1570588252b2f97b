"""Thin Falcon resources of the addresses: the Flutter app's routes and the canonical ones of SPEC.md.

The phone is checked against the platform's phone rules (the lengths
``/api/master`` gives the app), as registration checks it.
"""

from kernel.http import APIError, PageQuery, Route, ok, op, validation_error
from plugins.accounts import rules
from plugins.orders.addresses import schemas, services

PERMISSION = "addresses.manage"
TAGS = ("addresses",)


def _fields(req) -> dict:
    fields = dict(req.context.body)
    problems = rules.current(req.context.hooks, req.context.tenant, req).phone_errors(fields["phone"])
    if problems:
        raise validation_error({"phone": problems})
    return fields


def _found(call, *args):
    try:
        return call(*args)
    except services.NotFound as exc:
        raise APIError(404, str(exc)) from None


def _store(req, resp, status: int) -> None:
    address = services.create(req.context.user.id, _fields(req))
    ok(resp, {"address": address}, "Address added successfully", status=status)


def _update(req, resp, address_id: int) -> None:
    address = _found(services.update, req.context.user.id, address_id, _fields(req))
    ok(resp, {"address": address}, "Address updated successfully")


def _delete(req, resp, address_id: int) -> None:
    _found(services.delete, req.context.user.id, address_id)
    ok(resp, message="Address deleted successfully")


class Addresses:
    @op(permission=PERMISSION, query=PageQuery, response=schemas.AddressListData, tags=TAGS,
        summary="The caller's addresses, the default first")
    def on_get(self, req, resp):
        ok(resp, services.list_addresses(req.context.user.id, req.context.query), "Addresses")

    @op(permission=PERMISSION, body=schemas.AddressIn, response=schemas.AddressData, status=201, tags=TAGS,
        summary="Add an address")
    def on_post(self, req, resp):
        _store(req, resp, 201)


class AddressDetail:
    @op(permission=PERMISSION, body=schemas.AddressIn, response=schemas.AddressData, tags=TAGS,
        summary="Replace one of the caller's addresses")
    def on_put(self, req, resp, address_id):
        _update(req, resp, address_id)

    @op(permission=PERMISSION, tags=TAGS, summary="Delete one of the caller's addresses")
    def on_delete(self, req, resp, address_id):
        _delete(req, resp, address_id)


class AddressDefault:
    @op(permission=PERMISSION, response=schemas.AddressData, tags=TAGS,
        summary="Make one of the caller's addresses the default")
    def on_post(self, req, resp, address_id):
        address = _found(services.set_default, req.context.user.id, address_id)
        ok(resp, {"address": address}, "Default address updated")


class AddressStore:
    @op(permission=PERMISSION, body=schemas.AddressIn, response=schemas.AddressData, tags=TAGS,
        summary="Add an address (the app's route)")
    def on_post(self, req, resp):
        _store(req, resp, 200)


class AddressUpdate:
    @op(permission=PERMISSION, body=schemas.AddressIn, response=schemas.AddressData, tags=TAGS,
        summary="Replace one of the caller's addresses (the app's route)")
    def on_post(self, req, resp, address_id):
        _update(req, resp, address_id)


class AddressDelete:
    @op(permission=PERMISSION, tags=TAGS, summary="Delete one of the caller's addresses (the app's route)")
    def on_delete(self, req, resp, address_id):
        _delete(req, resp, address_id)


def routes() -> list[Route]:
    return [
        Route("/api/addresses", Addresses()),
        Route("/api/addresses/{address_id:int}", AddressDetail()),
        Route("/api/addresses/{address_id:int}/set-default", AddressDefault()),
        Route("/api/address/store", AddressStore()),
        Route("/api/address/{address_id:int}/update", AddressUpdate()),
        Route("/api/address/{address_id:int}/delete", AddressDelete()),
    ]
