from teamapp import app


@app.task(name="teamapp.charge_invoice")
def charge_invoice(invoice_id, cents):
    return {"invoice": invoice_id, "charged": cents}
