"""Every system the integrations guide names, with its status: ``disponível`` for the connectors
implemented here (Bling, WhatsApp Business Cloud API, Resend, Twilio) and ``planejado`` for the
rest. Nothing is ever shown as connected unless an integration of the tenant was tested and activated.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.integrations.model import AuthType, Kind, Status


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    id: str
    name: str
    kind: Kind
    status: Status
    section: str  # the guide's section
    auth: AuthType | None = None
    credential_fields: tuple[str, ...] = ()
    settings_fields: tuple[str, ...] = ()
    syncs: tuple[str, ...] = ()
    two_way: bool = False
    docs: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id, "name": self.name, "kind": self.kind.value, "status": self.status.value,
            "section": self.section, "auth": self.auth.value if self.auth else None,
            "credential_fields": list(self.credential_fields), "settings_fields": list(self.settings_fields),
            "syncs": list(self.syncs), "two_way": self.two_way, "docs": self.docs,
        }


def _planned(id_: str, name: str, kind: Kind, section: str) -> CatalogEntry:
    return CatalogEntry(id_, name, kind, Status.PLANNED, section)


_ACC = "1. Contabilidade"
_PAY = "2. Sistemas de Pagamento"
_COM = "3. Comunicação"
_LAB = "4. Scanners e Laboratórios"
_AI = "5. Softwares de Diagnóstico por IA"
_CRM = "7. CRM Externo"
_ERP = "8. ERP Clínico"

CATALOG: tuple[CatalogEntry, ...] = (
    _planned("totvs-protheus", "TOTVS Protheus", Kind.ACCOUNTING, _ACC),
    _planned("sap-business-one", "SAP Business One", Kind.ACCOUNTING, _ACC),
    _planned("conta-azul", "Conta Azul", Kind.ACCOUNTING, _ACC),
    _planned("omie", "Omie", Kind.ACCOUNTING, _ACC),
    CatalogEntry(
        "bling", "Bling", Kind.ACCOUNTING, Status.AVAILABLE, _ACC, AuthType.OAUTH2,
        credential_fields=("client_id", "client_secret", "authorization_code", "refresh_token", "access_token"),
        settings_fields=("base_url", "redirect_uri", "contato_id_padrao"),
        syncs=("Contas a receber",), two_way=True,
        docs="https://developer.bling.com.br/referencia",
    ),
    _planned("pix-banco-do-brasil", "PIX Banco do Brasil", Kind.PIX, _PAY),
    _planned("pix-itau", "PIX Itaú", Kind.PIX, _PAY),
    _planned("pix-bradesco", "PIX Bradesco", Kind.PIX, _PAY),
    _planned("pix-santander", "PIX Santander", Kind.PIX, _PAY),
    _planned("pix-nubank", "PIX Nubank", Kind.PIX, _PAY),
    _planned("mercado-pago", "Mercado Pago", Kind.PAYMENT, _PAY),
    _planned("pagseguro", "PagSeguro", Kind.PAYMENT, _PAY),
    _planned("stripe", "Stripe", Kind.PAYMENT, _PAY),
    _planned("asaas", "Asaas", Kind.PAYMENT, _PAY),
    _planned("binance", "Binance", Kind.CRYPTO, _PAY),
    _planned("coinbase", "Coinbase", Kind.CRYPTO, _PAY),
    _planned("mercado-bitcoin", "Mercado Bitcoin", Kind.CRYPTO, _PAY),
    _planned("kraken", "Kraken", Kind.CRYPTO, _PAY),
    CatalogEntry(
        "whatsapp-cloud", "WhatsApp Business (Cloud API)", Kind.MESSAGING, Status.AVAILABLE, _COM, AuthType.API_KEY,
        credential_fields=("access_token",),
        settings_fields=("base_url", "phone_number_id", "template_lembrete", "template_confirmacao", "idioma"),
        syncs=("Lembretes de consulta", "Confirmações de agendamento"),
        docs="https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages",
    ),
    CatalogEntry(
        "resend", "E-mail (Resend)", Kind.EMAIL, Status.AVAILABLE, _COM, AuthType.API_KEY,
        credential_fields=("api_key",), settings_fields=("base_url", "from"),
        syncs=("Notificações transacionais", "Lembretes automáticos"),
        docs="https://resend.com/docs/api-reference/emails/send-email",
    ),
    CatalogEntry(
        "twilio", "SMS (Twilio)", Kind.SMS, Status.AVAILABLE, _COM, AuthType.API_KEY,
        credential_fields=("account_sid", "auth_token"), settings_fields=("base_url", "from", "messaging_service_sid"),
        syncs=("Lembretes de consulta por SMS", "Confirmações de agendamento por SMS"),
        docs="https://www.twilio.com/docs/messaging/api/message-resource",
    ),
    _planned("zenvia", "SMS (Zenvia)", Kind.SMS, _COM),
    _planned("total-voice", "SMS (Total Voice)", Kind.SMS, _COM),
    _planned("3shape-trios", "3Shape TRIOS", Kind.SCANNER, _LAB),
    _planned("itero", "iTero (Align Technology)", Kind.SCANNER, _LAB),
    _planned("medit-i500", "Medit i500", Kind.SCANNER, _LAB),
    _planned("carestream-cs3600", "Carestream CS 3600", Kind.SCANNER, _LAB),
    _planned("labdent-digital", "LabDent Digital", Kind.LAB, _LAB),
    _planned("dentalspeed", "DentalSpeed", Kind.LAB, _LAB),
    _planned("odontoprev-labs", "OdontoPrev Labs", Kind.LAB, _LAB),
    _planned("dentomo", "Dentomo", Kind.AI, _AI),
    _planned("pearl-ai", "Pearl AI", Kind.AI, _AI),
    _planned("overjet", "Overjet", Kind.AI, _AI),
    _planned("salesforce", "Salesforce", Kind.CRM, _CRM),
    _planned("hubspot", "HubSpot", Kind.CRM, _CRM),
    _planned("rd-station", "RD Station", Kind.CRM, _CRM),
    _planned("pipedrive", "Pipedrive", Kind.CRM, _CRM),
    _planned("dental-office", "Dental Office", Kind.ERP, _ERP),
    _planned("clinux", "Clinux", Kind.ERP, _ERP),
    _planned("simplesclinic", "SimplesClinic", Kind.ERP, _ERP),
)
# SEFAZ (section 6) is this engine itself (NF-e/NFC-e emission), not a connector; PIX banks are
# served by the API Pix client (engine.pix) and listed here as planned registry entries.

_BY_ID = {e.id: e for e in CATALOG}


def entry(connector_id: str) -> CatalogEntry | None:
    return _BY_ID.get(connector_id)


def available() -> tuple[CatalogEntry, ...]:
    return tuple(e for e in CATALOG if e.status is Status.AVAILABLE)
