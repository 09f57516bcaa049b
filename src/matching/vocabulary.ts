/**
 * Ordinary words common in business names. Two different dictionary words are never taken for a
 * typo of each other ("heating" / "hearing", "electric" / "electronics", "cardiology" / "radiology"),
 * except for plural / adjective forms of the same word ("orthodontic" / "orthodontics").
 */
const WORDS = `
academy accounting accountants acoustics acres adventures advisors advisory aerospace agency air airport alarm
alliance ambulance analytics animal animals apartments apparel appliance appliances aquatics arboretum architects
architecture arena art arts assembly assets associates association athletic athletics attorneys auction audio
auto automation automotive aviation bakery bakeries bank banking baptist bar barbers bay beauty bed beverage
beverages bicycle bikes billing bistro boats body books boutique bowling brewery breweries brewing bridal builders
building buildings cabinets cafe camp campus capital cardiology care career cargo carpet carpets carriers cars
catering cathedral cellars center centers ceramics chapel charter chemical chemicals chiropractic church churches
cinema cleaners cleaning clinic clinics closets club clubs coaching coffee college collision communications
community computers computing concrete construction consultants consulting contracting contractors cooling
counseling country county courier couriers creamery credit cuisine cycles dairy daycare deli delivery dental
dentistry dermatology design designs developers development diagnostics digital diner distributing distribution
distributors doors drainage drilling dry drywall education electric electrical electronic electronics elementary
endodontics energy engineering engineers entertainment environmental equipment estates events excavating express
fabrication family farm farms fashion federal fellowship fence fencing finance financial fire fitness flooring
floors florist flowers foods forestry foundation framing freight fuel funeral furniture gallery garage garden
gardens gas glass golf graphics grill grocery growers guns hardware health healthcare hearing heating holdings
home homes hospice hospital hospitality hostel hostels hotel hotels housing imaging industrial industries infusion inn institute
instruments insurance interiors investments irrigation janitorial jewelers jewellers jewelry kitchen kitchens
laboratory labs land landscape landscaping laundry law lawn learning leasing legal library lighting limousine
liquor living loans lodge logistics lumber machine machinery machining maintenance management manor marble
marina marine market marketing masonry materials meats mechanical media medical medicine metal metals middle
mill mining ministries mobile mortgage motel motors mowing moving museum music networks neurology nursery
nursing nutrition office offices oncology optical optometry orthodontic orthodontics orthopedic orthopedics
outfitters outdoor packaging painting paints parts partners paving pediatric pediatrics periodontics pest pets
pharmacy photography physicians pizza pizzeria planning plastics plumbing podiatry pointing pools power
practice preschool press printing products properties property psychiatry psychology publishing radiology
ranch realty records recovery recreation recycling remodeling rental rentals repair research residential
resort resources restaurant restoration retail rigging roofing royalty safety sales salon sanitation school
schools scientific security seniors service services sewing shipping shoes signs software solar solutions
sound spa sports staffing stables steel storage stores studio studios supplies supply surgery surgical
surveying systems tavern tax technical technologies telecom therapy tile timber tire tires title tools
tours towing toys tracking trading traders training transport transportation travel trucking trust tutoring
union university upholstery urology utilities valley vending ventures veterinary vineyards vision water
welding wellness wholesale window windows wine winery wireless wood works yoga
`;

export const VOCABULARY: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));

/** Plural / adjective forms of one word ("orthodontic" / "orthodontics", "electric" / "electrical"). */
export function sameWordForm(a: string, b: string): boolean {
  if (a.length > b.length) [a, b] = [b, a];
  if (!b.startsWith(a)) return false;
  const rest = b.slice(a.length);
  return rest === 's' || rest === 'es' || rest === 'al' || rest === 'als';
}
